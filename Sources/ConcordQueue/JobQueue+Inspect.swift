import ConcordDomain
import Foundation
import PQ

extension JobQueue {
    /// One job, or nil when there is no such id (or the cleaner removed it).
    public func job(id: Int64) async throws -> Job? {
        let rows = try await pool.withConnection { connection in
            try await connection.query("SELECT \(unescaped: Job.columns()) FROM queue.jobs WHERE id = \(id)")
        }
        return try rows.first.map(Job.init(row:))
    }

    /// Jobs matching `filter`, newest first.
    public func jobs(_ filter: JobFilter = JobFilter()) async throws -> [Job] {
        let rows = try await pool.withConnection { connection in
            try await connection.query(
                """
                SELECT \(unescaped: Job.columns()) FROM queue.jobs
                WHERE (\(filter.states?.map(\.rawValue))::text[] IS NULL
                       OR state = ANY (\(filter.states?.map(\.rawValue))::text[]))
                  AND (\(filter.kind)::text IS NULL OR kind = \(filter.kind))
                  AND (\(filter.queue)::text IS NULL OR queue = \(filter.queue))
                  AND (\(filter.organisationID)::uuid IS NULL OR organisation_id = \(filter.organisationID))
                  AND (\(filter.beforeID)::bigint IS NULL OR id < \(filter.beforeID))
                ORDER BY id DESC
                LIMIT \(max(0, filter.limit))
                """)
        }
        return try rows.map(Job.init(row:))
    }

    /// How many jobs are in each state (every state present, zero when empty), in one queue or all.
    public func depth(queue: String? = nil) async throws -> [JobState: Int] {
        let rows = try await pool.withConnection { connection in
            try await connection.query(
                """
                SELECT state, count(*) AS jobs FROM queue.jobs
                WHERE \(queue)::text IS NULL OR queue = \(queue)
                GROUP BY state
                """)
        }
        var depth = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for row in rows {
            let (state, count) = try row.decode((String, Int).self)
            if let state = JobState(rawValue: state) { depth[state] = count }
        }
        return depth
    }

    /// Seconds the oldest available job has waited past its run_at (how far workers are behind); nil when no
    /// job is available.
    public func oldestAvailableAge(queue: String? = nil) async throws -> TimeInterval? {
        let rows = try await pool.withConnection { connection in
            try await connection.query(
                """
                SELECT extract(epoch FROM now() - min(run_at))::float8 AS age FROM queue.jobs
                WHERE state = 'available' AND (\(queue)::text IS NULL OR queue = \(queue))
                """)
        }
        return try rows.first?.decode("age", as: Double?.self).map { max(0, $0) }
    }
}
