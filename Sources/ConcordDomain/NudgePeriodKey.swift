import Foundation

/// The de-duplication key of a nudge: at most one per (reason, initiative, leader, period).
///
/// Stored as a unique key in SQL so two workers can never send the same nudge twice.
public struct NudgePeriodKey<ID: Hashable & Sendable & CustomStringConvertible>: Sendable, Hashable,
    CustomStringConvertible
{
    public let reason: NudgeReason
    public let initiative: ID
    public let leader: ID
    /// "c<n>" for the n-th cadence window since the initiative's creation, "YYYY-Www" for others.
    public let period: String

    /// For cadence: the index of the `cadenceDays` window since `initiativeCreatedAt` that holds `now`
    /// (0 before creation). For every other reason: the ISO week of `now` in `timeZone`.
    public init(
        reason: NudgeReason, initiative: ID, leader: ID, now: Date,
        initiativeCreatedAt: Date, cadenceDays: Int, timeZone: TimeZone
    ) {
        self.reason = reason
        self.initiative = initiative
        self.leader = leader
        switch reason {
        case .cadence:
            let window = TimeInterval(Swift.max(1, cadenceDays)) * 86_400
            let elapsed = Swift.max(0, now.timeIntervalSince(initiativeCreatedAt))
            period = "c\(Int((elapsed / window).rounded(.down)))"
        default:
            period = ISOWeek.containing(now, in: timeZone).description
        }
    }

    /// "reason:initiative:leader:period", for logs and single-column keys.
    public var description: String { "\(reason.rawValue):\(initiative):\(leader):\(period)" }
}
