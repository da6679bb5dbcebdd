import PQ

/// Deletes finalized jobs once they are old enough, and old periodic-run records.
public struct JobCleaner: Sendable {
    /// How long finished jobs are kept, and how often the cleaner runs.
    public struct Configuration: Sendable {
        public var interval: Duration
        public var completedRetention: Duration
        public var cancelledRetention: Duration
        /// Discarded jobs are kept longer: someone may want to inspect and retry them.
        public var discardedRetention: Duration
        public var periodicRunRetention: Duration
        /// Rows deleted per statement, at most.
        public var batchSize: Int

        public init(
            interval: Duration = .seconds(300), completedRetention: Duration = .seconds(86_400),
            cancelledRetention: Duration = .seconds(86_400), discardedRetention: Duration = .seconds(7 * 86_400),
            periodicRunRetention: Duration = .seconds(7 * 86_400), batchSize: Int = 5000
        ) {
            self.interval = interval
            self.completedRetention = completedRetention
            self.cancelledRetention = cancelledRetention
            self.discardedRetention = discardedRetention
            self.periodicRunRetention = periodicRunRetention
            self.batchSize = batchSize
        }
    }

    public let pool: ConnectionPool
    public var configuration: Configuration

    public init(pool: ConnectionPool, configuration: Configuration = Configuration()) {
        self.pool = pool
        self.configuration = configuration
    }

    /// Deletes one batch per state; returns how many jobs were deleted.
    @discardableResult
    public func runOnce() async throws -> Int {
        let retentions: [(String, Duration)] = [
            ("completed", configuration.completedRetention), ("cancelled", configuration.cancelledRetention),
            ("discarded", configuration.discardedRetention),
        ]
        var deleted = 0
        for (state, retention) in retentions {
            deleted += try await pool.withTransaction { tx in
                try await tx.execute(
                    Self.deleteStatement(state: state, retention: retention, batchSize: configuration.batchSize))
            }
        }
        try await pool.withTransaction { tx in
            try await tx.execute(
                """
                DELETE FROM queue.periodic_runs
                WHERE created_at < now() - make_interval(secs => \(configuration.periodicRunRetention.seconds))
                """)
        }
        return deleted
    }

    /// Deletes up to `batchSize` jobs finalized in `state` longer than `retention` ago.
    ///
    /// The state is a parameter, so a generic plan cannot tell from `state = $1` alone that only finalized
    /// jobs qualify, and `jobs_finalized_idx` (whose predicate is the three final states) is out of its
    /// reach: it sorted a scan of the whole table, every run, once the prepared statement went generic. The
    /// redundant `state IN (...)` keeps the index usable whatever the plan.
    static func deleteStatement(state: String, retention: Duration, batchSize: Int) -> SQL {
        """
        WITH old AS (
          SELECT id FROM queue.jobs
          WHERE state = \(state) AND state IN ('completed', 'discarded', 'cancelled')
            AND finalized_at < now() - make_interval(secs => \(retention.seconds))
          ORDER BY finalized_at
          LIMIT \(batchSize)
          FOR UPDATE SKIP LOCKED)
        DELETE FROM queue.jobs AS j USING old WHERE j.id = old.id
        """
    }
}
