/// A problem found in a Goal Tree; errors block roll-up or break the model, warnings are for the editor.
public enum GoalTreeIssue<ID: Hashable & Sendable>: Sendable, Hashable {
    case noGoal
    case multipleGoals([ID])
    case goalHasParent(goal: ID, parents: [ID])
    case unknownNode(GoalLink<ID>)
    case cycle([ID])
    /// A non-goal node the goal cannot reach: it serves nothing yet.
    case unreachable(ID)

    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    /// Unreachable nodes are a warning (trees are drafted bottom-up); everything else is an error.
    public var severity: Severity {
        if case .unreachable = self { return .warning }
        return .error
    }
}
