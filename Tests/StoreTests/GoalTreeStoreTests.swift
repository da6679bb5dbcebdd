import ConcordDomain
import ConcordStore
import Foundation
import Testing

@Suite struct GoalTreeStoreTests {
    /// Goal <- CSF A, CSF B; NC shared under both CSFs; NC X under A only.
    struct Tree {
        let id: UUID
        let goal: GoalNodeRecord
        let csfA: GoalNodeRecord
        let csfB: GoalNodeRecord
        let shared: GoalNodeRecord
        let onlyA: GoalNodeRecord
    }

    func makeTree(_ f: StoreFixture) async throws -> Tree {
        try await f.write { tx in
            let (tree, goal) = try await tx.createGoalTree(
                name: "Growth", goal: GoalNodeFields(kind: .goal, title: "Profitable growth", confidence: 90))
            let csfA = try await tx.addGoalNode(
                to: tree.id, GoalNodeFields(kind: .criticalSuccessFactor, title: "Happy customers", confidence: 80),
                under: [goal.id])
            let csfB = try await tx.addGoalNode(
                to: tree.id, GoalNodeFields(kind: .criticalSuccessFactor, title: "Lean costs", confidence: 70),
                under: [goal.id])
            let shared = try await tx.addGoalNode(
                to: tree.id,
                GoalNodeFields(kind: .necessaryCondition, title: "Reliable ERP", status: .amber, confidence: 40),
                under: [csfA.id, csfB.id])
            let onlyA = try await tx.addGoalNode(
                to: tree.id, GoalNodeFields(kind: .necessaryCondition, title: "Trained staff"), under: [csfA.id])
            return Tree(id: tree.id, goal: goal, csfA: csfA, csfB: csfB, shared: shared, onlyA: onlyA)
        }
    }

    @Test func statusAndConfidenceRollUpThroughANodeWithTwoParents() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        let snapshot = try #require(try await f.read(Reads.goalTree(t.id)))
        #expect(snapshot.nodes.count == 5)
        #expect(snapshot.links.count == 5)
        let shared = try #require(snapshot.node(t.shared.id))
        #expect(Set(shared.parentIDs) == [t.csfA.id, t.csfB.id])
        #expect(shared.depth == 2)
        // Amber below both parents: both CSFs and the goal turn amber; confidence is the minimum (40).
        for id in [t.goal.id, t.csfA.id, t.csfB.id] {
            #expect(snapshot.node(id)?.rolledUpStatus == .amber)
            #expect(snapshot.node(id)?.rolledUpConfidence == 40)
        }
        #expect(snapshot.node(t.onlyA.id)?.rolledUpStatus == .green)
        #expect(snapshot.node(t.onlyA.id)?.rolledUpConfidence == nil)

        // Red on the node under A only: red beats amber on A and the goal; B stays amber.
        _ = try await f.write { tx in
            var fields = GoalNodeFields(t.onlyA)
            fields.status = .red
            fields.confidence = 20
            return try await tx.updateGoalNode(t.onlyA.id, expectedVersion: 1, fields)
        }
        let after = try #require(try await f.read(Reads.goalTree(t.id)))
        #expect(after.node(t.csfA.id)?.rolledUpStatus == .red)
        #expect(after.node(t.goal.id)?.rolledUpStatus == .red)
        #expect(after.node(t.csfB.id)?.rolledUpStatus == .amber)
        #expect(after.node(t.csfA.id)?.rolledUpConfidence == 20)
        #expect(after.node(t.csfB.id)?.rolledUpConfidence == 40)
        #expect(after.node(t.goal.id)?.rolledUpConfidence == 20)
        #expect(after.node(t.goal.id)?.node.status == .green)
    }

    @Test func aCycleIsRefusedByNameAndTheLinksStayAsTheyWere() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        let error = await storeError {
            try await f.write { try await $0.linkGoalNodes(parent: t.shared.id, child: t.csfA.id) }
        }
        #expect(error?.constraint == "goal_links_no_cycle")
        let goalBelow = await storeError {
            try await f.write { try await $0.linkGoalNodes(parent: t.onlyA.id, child: t.goal.id) }
        }
        #expect(goalBelow?.constraint == "goal_links_goal_not_child")
        // A move whose new link would close a cycle undoes its unlink too.
        let move = await storeError {
            try await f.write { try await $0.moveGoalNode(t.csfB.id, from: t.goal.id, to: t.shared.id) }
        }
        #expect(move?.constraint == "goal_links_no_cycle")
        let snapshot = try #require(try await f.read(Reads.goalTree(t.id)))
        #expect(snapshot.links.count == 5)
        #expect(snapshot.node(t.csfB.id)?.parentIDs == [t.goal.id])
    }

    @Test func movingANodeChangesItsParentInOneTransaction() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        try await f.write { try await $0.moveGoalNode(t.onlyA.id, from: t.csfA.id, to: t.csfB.id) }
        let snapshot = try #require(try await f.read(Reads.goalTree(t.id)))
        #expect(snapshot.node(t.onlyA.id)?.parentIDs == [t.csfB.id])
        let missing = await storeError {
            try await f.write { try await $0.moveGoalNode(t.onlyA.id, from: t.csfA.id, to: t.goal.id) }
        }
        #expect(missing == .notFound(entity: "goal link", id: "\(t.csfA.id)/\(t.onlyA.id)"))
    }

    @Test func initiativesAttachToNodes() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        let initiative = try await f.initiative("ERP", lead: try await f.area("IT").id)
        try await f.write { tx in
            try await tx.linkInitiative(initiative.id, toGoalNode: t.shared.id)
            try await tx.linkInitiative(initiative.id, toGoalNode: t.shared.id)
        }
        #expect(try await f.read(Reads.goalTree(t.id))?.node(t.shared.id)?.initiativeIDs == [initiative.id])
        #expect(try await f.read(Reads.goalNodes(servedBy: initiative.id)).map(\.id) == [t.shared.id])
        try await f.write { try await $0.unlinkInitiative(initiative.id, fromGoalNode: t.shared.id) }
        #expect(try await f.read(Reads.goalNodes(servedBy: initiative.id)).isEmpty)
    }

    @Test func aStaleNodeVersionIsRefused() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        var fields = GoalNodeFields(t.shared)
        fields.title = "Reliable ERP and CRM"
        _ = try await f.write { try await $0.updateGoalNode(t.shared.id, expectedVersion: 1, fields) }
        fields.status = .red
        let error = await storeError {
            _ = try await f.write { try await $0.updateGoalNode(t.shared.id, expectedVersion: 1, fields) }
        }
        #expect(error == .versionConflict(entity: "goal node", id: t.shared.id.uuidString, current: 2))
        #expect(try await f.read(Reads.goalTree(t.id))?.node(t.shared.id)?.node.status == .amber)
    }

    @Test func anotherOrganisationsTreeIsNotFound() async throws {
        let f = try await StoreFixture.make()
        let t = try await makeTree(f)
        let other = try await f.otherOrganisation()
        #expect(try await other.read(Reads.goalTree(t.id)) == nil)
        let error = await storeError {
            _ = try await other.write {
                try await $0.updateGoalNode(t.goal.id, expectedVersion: 1, GoalNodeFields(t.goal))
            }
        }
        #expect(error == .notFound(entity: "goal node", id: t.goal.id.uuidString))
    }
}
