/// The outcome of enqueueing one job.
public struct EnqueuedJob: Sendable, Hashable {
    /// The new job, or the one already holding the unique key.
    public let id: Int64
    /// True when a job with the same unique key existed, so nothing was inserted.
    public let isDuplicate: Bool

    public init(id: Int64, isDuplicate: Bool) {
        self.id = id
        self.isDuplicate = isDuplicate
    }
}
