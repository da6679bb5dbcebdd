import ConcordDomain
import Foundation

/// A job as stored: what to run, for whom, and how its runs went.
public struct Job: Sendable, Identifiable {
    public let id: Int64
    public let kind: String
    /// The arguments as JSON text; `decodeArgs(_:)` reads them.
    public let argsJSON: String
    /// The organisation the job is for, if any (informational: the queue is shared by all tenants).
    public let organisationID: UUID?
    public let queue: String
    /// Lower runs first.
    public let priority: Int16
    public let state: JobState
    /// Runs started so far, including the one in progress.
    public let attempt: Int
    public let maxAttempts: Int
    /// When the job may run (for a retryable job: when the backoff ends).
    public let runAt: Date
    public let attemptedAt: Date?
    /// The worker that claimed it last.
    public let attemptedBy: String?
    /// A running job belongs to its worker until then; the rescuer takes back jobs whose lease ran out.
    public let leaseExpiresAt: Date?
    /// Someone asked to cancel the job while it ran.
    public let cancelRequestedAt: Date?
    public let finalizedAt: Date?
    /// One entry per failed run, oldest first.
    public let errors: [JobAttemptError]
    public let uniqueKey: String?
    public let createdAt: Date

    /// Decodes the arguments as `T`.
    public func decodeArgs<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(argsJSON.utf8))
    }
}
