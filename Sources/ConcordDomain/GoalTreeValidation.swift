extension GoalTree {
    /// Every issue: exactly one goal, the goal has no parent, links name known nodes, no cycle, all reachable.
    public func validate() -> [GoalTreeIssue<ID>] {
        var issues: [GoalTreeIssue<ID>] = []
        let goals = self.goals.map(\.id)
        switch goals.count {
        case 0: issues.append(.noGoal)
        case 1: break
        default: issues.append(.multipleGoals(goals))
        }
        for goal in goals where !parents(of: goal).isEmpty {
            issues.append(.goalHasParent(goal: goal, parents: parents(of: goal)))
        }
        for link in links where node(link.parent) == nil || node(link.child) == nil {
            issues.append(.unknownNode(link))
        }
        if let cycle = findCycle() { issues.append(.cycle(cycle)) }
        if goals.count == 1 {
            let reached = reachable(from: goals[0])
            for node in nodes where !reached.contains(node.id) { issues.append(.unreachable(node.id)) }
        }
        return issues
    }
}
