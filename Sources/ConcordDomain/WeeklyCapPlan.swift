/// What the weekly cap lets out of a batch of due nudges for one leader.
public struct WeeklyCapPlan<Payload: Sendable>: Sendable {
    /// Sent one by one, in order.
    public let individual: [DueNudge<Payload>]
    /// Merged into one digest (always two or more, or none); the digest counts as one send.
    public let digest: [DueNudge<Payload>]
    /// The cap is already used up this week: hold these until next week.
    public let deferred: [DueNudge<Payload>]

    /// Sends this plan makes (individual + one for a digest).
    public var sendCount: Int { individual.count + (digest.isEmpty ? 0 : 1) }
}
