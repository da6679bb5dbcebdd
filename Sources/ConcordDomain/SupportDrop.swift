/// A leader's support fell between two ratings: a priority drop of two or more, or buy-in going back.
public struct SupportDrop: Sendable, Hashable {
    /// previous.priority - newest.priority (positive means a drop).
    public let priorityDrop: Int
    /// True when buy-in moved to an earlier stage.
    public let buyInWentBack: Bool

    /// The smallest priority fall that counts as a drop on its own.
    public static var priorityThreshold: Int { 2 }

    /// Nil when support held; a value naming what fell otherwise.
    public static func detect(previous: AlignmentRating, newest: AlignmentRating) -> SupportDrop? {
        let drop = previous.priority - newest.priority
        let wentBack = newest.buyIn < previous.buyIn
        guard drop >= priorityThreshold || wentBack else { return nil }
        return SupportDrop(priorityDrop: drop, buyInWentBack: wentBack)
    }
}
