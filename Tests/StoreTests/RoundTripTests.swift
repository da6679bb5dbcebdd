import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// The derived reads the API serves go out as one pipeline: one network round trip each.
@Suite struct RoundTripTests {
    @Test func initiativeDetailAndAWholeGoalTreeAreOneRoundTripEach() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let f = try await StoreFixture.make()
        let (it, ann) = try await f.areaWithHead("IT", head: "Ann")
        let initiative = try await f.initiative("ERP", lead: it.id)
        _ = try await f.write {
            try await $0.recordRating(NewRating(initiativeID: initiative.id, leaderID: ann.id, priority: 3))
        }
        let treeID = try await f.write { tx in
            let (tree, goal) = try await tx.createGoalTree(
                name: "Growth", goal: GoalNodeFields(kind: .goal, title: "Grow"))
            _ = try await tx.addGoalNode(
                to: tree.id, GoalNodeFields(kind: .criticalSuccessFactor, title: "Customers"), under: [goal.id])
            return tree.id
        }

        let proxy = try RoundTripProxy(targetPort: cluster.port)
        let pool = ConnectionPool(
            PoolConfiguration(
                conninfo: "host=127.0.0.1 port=\(proxy.port) dbname=\(f.database.name) user=concord_api",
                maxConnections: 1))
        let store = Store(pool: pool)
        try await pool.withConnection { _ in }  // the login handshake is not part of a read

        proxy.reset()
        let detail = try await store.read(f.scope, Reads.initiativeDetail(initiative.id, now: Date()))
        #expect(detail?.alignment.aligned.count == 1)
        #expect(proxy.roundTrips == 1)

        proxy.reset()
        let tree = try await store.read(f.scope, Reads.goalTree(treeID))
        #expect(tree?.nodes.count == 2)
        #expect(proxy.roundTrips == 1)
        await pool.close()
    }
}
