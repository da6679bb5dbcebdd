/// The life of a queued job (River's states); raw values match the SQL enum.
public enum JobState: String, Codable, CaseIterable, Sendable {
    /// Ready to be claimed now.
    case available
    /// Waiting for its `scheduled_at`.
    case scheduled
    /// Claimed by a worker.
    case running
    /// Failed, will be made available again after a backoff.
    case retryable
    case completed
    /// Failed for good (attempts exhausted or unrecoverable).
    case discarded
    case cancelled

    /// Finished states, which the cleaner may delete.
    public var isFinalized: Bool { self == .completed || self == .discarded || self == .cancelled }

    /// Where a job may go from here; a manual retry brings a finalized job back to available.
    public var allowedNext: Set<JobState> {
        switch self {
        case .available: [.running, .scheduled, .cancelled, .discarded]
        case .scheduled: [.available, .cancelled, .discarded]
        // Back to available: a graceful shutdown hands unfinished jobs back with the attempt returned.
        case .running: [.completed, .retryable, .discarded, .cancelled, .scheduled, .available]
        case .retryable: [.available, .cancelled, .discarded]
        case .completed, .discarded, .cancelled: [.available]
        }
    }

    /// True when `self -> next` is allowed; staying put is not a transition.
    public func canTransition(to next: JobState) -> Bool { allowedNext.contains(next) }

    /// After a failed run: retry while attempts remain, otherwise discard.
    public static func afterFailure(attempt: Int, maxAttempts: Int) -> JobState {
        attempt < maxAttempts ? .retryable : .discarded
    }
}
