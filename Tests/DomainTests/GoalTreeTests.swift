import ConcordDomain
import Testing

@Suite struct GoalTreeTests {
    func node(_ id: String, _ kind: NodeKind, _ status: NodeStatus = .green, _ confidence: Int = 100) -> GoalNode<
        String
    > {
        GoalNode(id: id, kind: kind, status: status, confidence: confidence)
    }

    func link(_ parent: String, _ child: String) -> GoalLink<String> { GoalLink(parent: parent, child: child) }

    /// G → C1, C2, C3; N1 serves both C1 and C2; N2 below N1; N3 below C3.
    var tree: GoalTree<String> {
        GoalTree(
            nodes: [
                node("G", .goal, .green, 90),
                node("C1", .criticalSuccessFactor, .green, 80),
                node("C2", .criticalSuccessFactor, .green, 70),
                node("C3", .criticalSuccessFactor, .green, 95),
                node("N1", .necessaryCondition, .green, 60),
                node("N2", .necessaryCondition, .red, 40),
                node("N3", .necessaryCondition, .amber, 85),
            ],
            links: [
                link("G", "C1"), link("G", "C2"), link("G", "C3"),
                link("C1", "N1"), link("C2", "N1"), link("N1", "N2"), link("C3", "N3"),
            ])
    }

    @Test func redGrandchildMakesBothParentsRed() throws {
        let rolled = try tree.rollUp()
        #expect(rolled["N2"]?.status == .red)  // leaf keeps its own
        #expect(rolled["N1"]?.status == .red)
        #expect(rolled["C1"]?.status == .red)
        #expect(rolled["C2"]?.status == .red)
        #expect(rolled["C3"]?.status == .amber)  // only an amber child
        #expect(rolled["G"]?.status == .red)
    }

    @Test func confidenceIsTheMinimum() throws {
        let rolled = try tree.rollUp()
        #expect(rolled["N2"]?.confidence == 40)
        #expect(rolled["N1"]?.confidence == min(60, 40))
        #expect(rolled["C1"]?.confidence == min(80, 40))
        #expect(rolled["C2"]?.confidence == min(70, 40))
        #expect(rolled["C3"]?.confidence == min(95, 85))
        #expect(rolled["G"]?.confidence == min(90, 40, 40, 85))
    }

    @Test func ownStatusCountsAndConfidenceIsClamped() throws {
        let small = GoalTree(
            nodes: [node("G", .goal, .amber, 150), node("C", .criticalSuccessFactor, .green, -5)],
            links: [link("G", "C")])
        let rolled = try small.rollUp()
        #expect(rolled["G"]?.status == .amber)  // own amber beats green child
        #expect(rolled["C"]?.confidence == 0)
        #expect(rolled["G"]?.confidence == 0)
    }

    @Test func proposedLinkThatClosesACycle() {
        // N2 -> C1 would close C1 -> N1 -> N2 -> C1.
        #expect(tree.cycle(addingLinkFrom: "N2", to: "C1") == ["N2", "C1", "N1", "N2"])
        #expect(tree.cycle(addingLinkFrom: "N1", to: "N1") == ["N1", "N1"])
        #expect(tree.cycle(addingLinkFrom: "N2", to: "G") == ["N2", "G", "C1", "N1", "N2"])
        // A second parent is fine: that is what makes it a DAG.
        #expect(tree.cycle(addingLinkFrom: "C3", to: "N2") == nil)
    }

    @Test func topologicalOrderPutsParentsFirst() throws {
        let order = try tree.topologicalOrder()
        #expect(Set(order) == Set(tree.nodes.map(\.id)))
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        for link in tree.links { #expect(position[link.parent]! < position[link.child]!) }
        #expect(order.first == "G")
    }

    @Test func depthIsTheLongestPathFromTheGoal() throws {
        // Add a shortcut C1 -> N2: N2 stays at depth 3 (below N1), not 2.
        let withShortcut = GoalTree(nodes: tree.nodes, links: tree.links + [link("C1", "N2")])
        let depth = try withShortcut.depths(from: "G")
        #expect(depth == ["G": 0, "C1": 1, "C2": 1, "C3": 1, "N1": 2, "N3": 2, "N2": 3])
    }

    @Test func cyclicTreeCannotRollUp() {
        let cyclic = GoalTree(nodes: tree.nodes, links: tree.links + [link("N2", "C1")])
        #expect(throws: GoalTreeError.cycle(["C1", "N1", "N2", "C1"])) { try cyclic.rollUp() }
        #expect(cyclic.validate().contains(.cycle(["C1", "N1", "N2", "C1"])))
    }

    @Test func validTreeHasNoIssues() {
        #expect(tree.validate().isEmpty)
    }

    @Test func validationReportsEveryProblem() {
        let broken = GoalTree(
            nodes: [
                node("G", .goal), node("G2", .goal), node("C", .criticalSuccessFactor),
                node("orphan", .necessaryCondition),
            ],
            links: [link("G", "C"), link("C", "G2"), link("C", "ghost")])
        let issues = broken.validate()
        #expect(issues.contains(.multipleGoals(["G", "G2"])))
        #expect(issues.contains(.goalHasParent(goal: "G2", parents: ["C"])))
        #expect(issues.contains(.unknownNode(link("C", "ghost"))))

        let single = GoalTree(
            nodes: [node("G", .goal), node("C", .criticalSuccessFactor), node("orphan", .necessaryCondition)],
            links: [link("G", "C")])
        #expect(single.validate() == [.unreachable("orphan")])
        #expect(single.validate().allSatisfy { $0.severity == .warning })

        let none = GoalTree(nodes: [node("C", .criticalSuccessFactor)], links: [])
        #expect(none.validate() == [.noGoal])
        #expect(GoalTreeIssue<String>.noGoal.severity == .error)
    }
}
