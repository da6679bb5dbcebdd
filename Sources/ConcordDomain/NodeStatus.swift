/// Traffic-light status of a Goal Tree node; ordered by severity so roll-up can take the worst.
public enum NodeStatus: String, Codable, CaseIterable, Sendable, Comparable {
    case green
    case amber
    case red

    /// 0 for green, 2 for red: higher is worse.
    public var severity: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: NodeStatus, rhs: NodeStatus) -> Bool { lhs.severity < rhs.severity }

    /// The worst of several statuses; green when there are none, as nothing is wrong.
    public static func worst(_ statuses: some Sequence<NodeStatus>) -> NodeStatus {
        statuses.max() ?? .green
    }
}
