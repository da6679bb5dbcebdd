import Foundation
import PQ

/// The client side of the queue: enqueue, inspect, cancel and retry jobs. The API, the CLI and handlers
/// use it; `QueueWorker` runs what it enqueues.
public struct JobQueue: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Enqueues one job in its own transaction.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> EnqueuedJob {
        try await pool.withTransaction { tx in try await enqueue(job, in: tx) }
    }

    /// Enqueues one job inside the caller's transaction, so it commits (and wakes workers) with the data it
    /// is about, or not at all. A job with a unique key already held returns that job instead.
    @discardableResult
    public func enqueue(_ job: NewJob, in tx: Transaction) async throws -> EnqueuedJob {
        // Under READ COMMITTED the second statement sees a conflicting row committed meanwhile; under
        // REPEATABLE READ the insert itself fails with a serialization error and the transaction is retried.
        // A holder finalized between the two statements frees the key, so try again.
        for _ in 0..<3 {
            let inserted = try await tx.query(Self.insertOne(job))
            if let row = inserted.first { return EnqueuedJob(id: try row.decode("id"), isDuplicate: false) }
            let existing = try await tx.query(
                """
                SELECT id FROM queue.jobs
                WHERE unique_key = \(job.uniqueKey) AND state NOT IN ('cancelled', 'discarded')
                """)
            if let row = existing.first { return EnqueuedJob(id: try row.decode("id"), isDuplicate: true) }
        }
        throw PostgresError(.client, message: "the unique key of a \(job.kind) job kept changing hands")
    }

    /// Enqueues many jobs in one statement and one transaction; returns the ids inserted (in no particular
    /// order). Jobs whose unique key is already held are skipped, as are repeats of a key within `jobs`.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [Int64] {
        try await pool.withTransaction { tx in try await enqueue(jobs, in: tx) }
    }

    /// Enqueues many jobs inside the caller's transaction; see `enqueue(_:)`.
    @discardableResult
    public func enqueue(_ jobs: [NewJob], in tx: Transaction) async throws -> [Int64] {
        // Jobs without a key go in without ON CONFLICT: an insert with an arbiter index is speculative for
        // every row, key or not (a lock and one more WAL record per job), though no keyless row can conflict.
        let keyless = jobs.filter { $0.uniqueKey == nil }
        let keyed = jobs.filter { $0.uniqueKey != nil }
        var ids: [Int64] = []
        for (batch, deduplicating) in [(keyless, false), (keyed, true)] where !batch.isEmpty {
            let rows = try await tx.query(Self.insertMany(batch, deduplicating: deduplicating))
            ids += try rows.map { try $0.decode("id", as: Int64.self) }
        }
        return ids
    }

    /// The arbiter of de-duplication, for jobs with a unique key; `jobs_unique_key_idx` has this predicate.
    static let onUniqueKeyConflict = """
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state NOT IN ('cancelled', 'discarded')
        DO NOTHING
        """

    static func insertMany(_ jobs: [NewJob], deduplicating: Bool) -> SQL {
        """
        INSERT INTO queue.jobs
          (kind, args, organisation_id, queue, priority, max_attempts, run_at, state, unique_key)
        SELECT kind, args, organisation_id, queue, priority, max_attempts, coalesce(run_at, now()),
               CASE WHEN run_at > now() THEN 'scheduled' ELSE 'available' END, unique_key
        FROM unnest(\(jobs.map(\.kind))::text[], \(jobs.map(\.argsJSON))::jsonb[],
                    \(jobs.map(\.organisationID))::uuid[], \(jobs.map(\.queue))::text[],
                    \(jobs.map(\.priority))::smallint[], \(jobs.map(\.maxAttempts))::integer[],
                    \(jobs.map(\.runAt))::timestamptz[], \(jobs.map(\.uniqueKey))::text[])
          AS input (kind, args, organisation_id, queue, priority, max_attempts, run_at, unique_key)
        \(unescaped: deduplicating ? onUniqueKeyConflict : "")
        RETURNING id
        """
    }

    static func insertOne(_ job: NewJob) -> SQL {
        """
        INSERT INTO queue.jobs
          (kind, args, organisation_id, queue, priority, max_attempts, run_at, state, unique_key)
        VALUES (\(job.kind), \(job.argsJSON)::jsonb, \(job.organisationID)::uuid, \(job.queue),
                \(job.priority)::smallint, \(job.maxAttempts)::integer,
                coalesce(\(job.runAt)::timestamptz, now()),
                CASE WHEN \(job.runAt)::timestamptz > now() THEN 'scheduled' ELSE 'available' END,
                \(job.uniqueKey)::text)
        \(unescaped: job.uniqueKey == nil ? "" : onUniqueKeyConflict)
        RETURNING id
        """
    }
}
