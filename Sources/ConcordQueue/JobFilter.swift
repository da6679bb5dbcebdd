import ConcordDomain
import Foundation

/// Which jobs to list; empty fields do not filter. Newest first, one page at a time.
public struct JobFilter: Sendable {
    public var states: [JobState]?
    public var kind: String?
    public var queue: String?
    public var organisationID: UUID?
    /// Only jobs with a smaller id: pass the last id of a page to get the next one.
    public var beforeID: Int64?
    public var limit: Int

    public init(
        states: [JobState]? = nil, kind: String? = nil, queue: String? = nil, organisationID: UUID? = nil,
        beforeID: Int64? = nil, limit: Int = 100
    ) {
        self.states = states
        self.kind = kind
        self.queue = queue
        self.organisationID = organisationID
        self.beforeID = beforeID
        self.limit = limit
    }
}
