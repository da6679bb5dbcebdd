/// How far a leader has come towards supporting an initiative; ordered so a step back is detectable.
public enum BuyIn: String, Codable, CaseIterable, Sendable, Comparable {
    case unaware
    case aware
    case understands
    case committed
    case acting

    /// Position in the declared order, the basis of `<`.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: BuyIn, rhs: BuyIn) -> Bool { lhs.rank < rhs.rank }
}
