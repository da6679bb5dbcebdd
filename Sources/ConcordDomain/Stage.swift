/// Where a change initiative is in its life; stage changes trigger revisits of every supporting leader.
public enum Stage: String, Codable, CaseIterable, Sendable {
    case proposed
    case initiating
    case developing
    case implementing
    case sustaining
    case closed

    /// Closed initiatives need no alignment and get no nudges.
    public var isActive: Bool { self != .closed }
}
