import Foundation

/// A nudge the planner found due for one leader, before the weekly cap is applied.
public struct DueNudge<Payload: Sendable>: Sendable {
    public var reason: NudgeReason
    /// Lower goes first.
    public var priority: Int
    public var dueAt: Date
    /// Whatever the caller needs to send it (ids, initiative, link).
    public var payload: Payload

    public init(reason: NudgeReason, priority: Int? = nil, dueAt: Date, payload: Payload) {
        self.reason = reason
        self.priority = priority ?? reason.defaultPriority
        self.dueAt = dueAt
        self.payload = payload
    }
}
