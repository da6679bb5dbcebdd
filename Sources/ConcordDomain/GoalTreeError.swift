/// Why a Goal Tree cannot be ordered or rolled up.
public enum GoalTreeError<ID: Hashable & Sendable>: Error, Sendable, Hashable {
    /// The links form a cycle; the path starts and ends at the same node.
    case cycle([ID])
}
