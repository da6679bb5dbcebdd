import ConcordDomain
import Foundation
import PQ

extension Job {
    /// The columns `init(row:)` reads, qualified by `alias` (statements that join need it).
    static func columns(_ alias: String = "jobs") -> String {
        [
            "id", "kind", "args", "organisation_id", "queue", "priority", "state", "attempt", "max_attempts",
            "run_at", "attempted_at", "attempted_by", "lease_expires_at", "cancel_requested_at", "finalized_at",
            "errors", "unique_key", "created_at",
        ].map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    init(row: Row) throws {
        let stateText = try row.decode("state", as: String.self)
        guard let state = JobState(rawValue: stateText) else {
            throw PostgresError(.decoding, message: "unknown job state \"\(stateText)\"")
        }
        id = try row.decode("id")
        kind = try row.decode("kind")
        argsJSON = try row.decode("args")
        organisationID = try row.decode("organisation_id")
        queue = try row.decode("queue")
        priority = try row.decode("priority")
        self.state = state
        attempt = try row.decode("attempt")
        maxAttempts = try row.decode("max_attempts")
        runAt = try row.decode("run_at")
        attemptedAt = try row.decode("attempted_at")
        attemptedBy = try row.decode("attempted_by")
        leaseExpiresAt = try row.decode("lease_expires_at")
        cancelRequestedAt = try row.decode("cancel_requested_at")
        finalizedAt = try row.decode("finalized_at")
        // Most claimed jobs never failed: no JSONDecoder for their "[]", it is worker CPU spent per job for
        // nothing.
        let errorsJSON = try row.decode("errors", as: String.self)
        errors =
            errorsJSON == "[]" ? [] : try row.decode("errors", as: PostgresJSON<[JobAttemptError]>.self).value
        uniqueKey = try row.decode("unique_key")
        createdAt = try row.decode("created_at")
    }
}
