import ConcordDomain
import Foundation
import PQ

extension Job {
    /// The columns `init(row:)` reads, in the order it reads them by position, qualified by `alias`
    /// (statements that join need it).
    static func columns(_ alias: String = "jobs") -> String {
        [
            "id", "kind", "args", "organisation_id", "queue", "priority", "state", "attempt", "max_attempts",
            "run_at", "attempted_at", "attempted_by", "lease_expires_at", "cancel_requested_at", "finalized_at",
            "errors", "unique_key", "created_at",
        ].map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// Decodes a row whose leading columns are `columns()`, in that order: by position, because finding
    /// 18 columns by name for every claimed job was a sixth of the worker's CPU.
    init(row: Row) throws {
        let stateText = try row.decode(6, as: String.self)
        guard let state = JobState(rawValue: stateText) else {
            throw PostgresError(.decoding, message: "unknown job state \"\(stateText)\"")
        }
        id = try row.decode(0)
        kind = try row.decode(1)
        argsJSON = try row.decode(2)
        organisationID = try row.decode(3)
        queue = try row.decode(4)
        priority = try row.decode(5)
        self.state = state
        attempt = try row.decode(7)
        maxAttempts = try row.decode(8)
        runAt = try row.decode(9)
        attemptedAt = try row.decode(10)
        attemptedBy = try row.decode(11)
        leaseExpiresAt = try row.decode(12)
        cancelRequestedAt = try row.decode(13)
        finalizedAt = try row.decode(14)
        // Most claimed jobs never failed: no JSONDecoder for their "[]", it is worker CPU spent per job for
        // nothing.
        let errorsJSON = try row.decode(15, as: String.self)
        errors = errorsJSON == "[]" ? [] : try row.decode(15, as: PostgresJSON<[JobAttemptError]>.self).value
        uniqueKey = try row.decode(16)
        createdAt = try row.decode(17)
    }
}
