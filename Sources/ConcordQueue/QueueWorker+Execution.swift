import ConcordDomain
import Foundation
import PQ

extension QueueWorker {
    /// Completions written per statement, at most.
    static let completionBatchLimit = 1000

    /// Starts the handler of a claimed job, then records its outcome, in one task per job.
    ///
    /// The statements that record outcomes go out from tasks of their own, so cancelling the handler's task
    /// (a cancel request, a lost lease, the shutdown deadline) never cancels them.
    func launch(_ job: Job) {
        let handler = registry.handler(for: job.kind)
        // The entry before the task, so that however soon the handler returns, its run is found running.
        running.insert(id: job.id, attempt: job.attempt)
        let task = Task {
            let result: Result<Void, any Error>
            do {
                guard let handler else { throw UnknownJobKind(kind: job.kind) }
                try await JobLogMetadata.$current.withValue(JobLogMetadata.metadata(of: job)) { try await handler(job) }
                result = .success(())
            } catch {
                result = .failure(error)
            }
            finish(job, result)
        }
        running.attach(task, id: job.id, attempt: job.attempt)
    }

    /// Turns a returned handler's result into its outcome and has it recorded.
    private func finish(_ job: Job, _ result: Result<Void, any Error>) {
        // Handed back at shutdown meanwhile: the job is no longer ours to finish.
        guard running.beginFinishing(id: job.id, attempt: job.attempt) else {
            emit(.finished)
            return
        }
        let outcome = random.withLock { generator in
            JobOutcome.of(result, job: job, backoff: configuration.backoff, using: &generator)
        }
        if outcome == .completed {
            // Completions are written in batches; the writer removes the job and wakes the dispatcher. Its task
            // starts after this one ends, so the other jobs of the claim that are ready by then join its first
            // write.
            if completed.add(CompletedJobs.Entry(id: job.id, attempt: job.attempt, kind: job.kind)) {
                Task { await self.writeCompletions() }
            }
            return
        }
        Task {
            await self.record(outcome, of: job)
            self.running.remove(id: job.id, attempt: job.attempt)
            self.emit(.finished)
        }
    }

    /// Writes the pending completions, batch after batch, until none is left. When the dispatch loop would
    /// claim for the slots a batch frees, the claim goes in the same round trip (a transaction of its own
    /// after the completions): one round trip, wake-up and pool checkout less per batch.
    func writeCompletions() async {
        while true {
            let batch = completed.take(limit: Self.completionBatchLimit)
            if batch.isEmpty { return }
            let runs = batch.map { (id: $0.id, attempt: $0.attempt) }
            let busy = running.count - running.count(of: runs)
            let free = configuration.concurrency - busy
            var claiming =
                !isStopping && free > 0 && !configuration.queues.isEmpty
                && turn.begin(enoughFree: free >= refill || busy == 0)
            var limit = 0
            if claiming {
                // Counted again with the turn held: only its holder adds jobs, so the slots free now can only
                // grow until the claim's jobs are launched (the count before may predate another claim's).
                limit = min(
                    configuration.batchSize, configuration.concurrency - running.count + running.count(of: runs))
                if limit <= 0 {
                    turn.end(short: false)
                    claiming = false
                }
            }
            let claimed = await recordCompleted(batch, claiming: limit)
            if isStopping, let jobs = claimed, !jobs.isEmpty {
                // The stop came while the claim was out: its jobs go back unstarted.
                await handBackUnstarted(jobs)
            } else {
                // Launched before the batch leaves `running`, so that a shutdown waiting for it to empty waits
                // for these too.
                for job in claimed ?? [] { launch(job) }
            }
            for entry in batch { running.remove(id: entry.id, attempt: entry.attempt) }
            if claiming { turn.end(short: claimed.map { $0.count < limit } ?? false) }
            emit(.finished)
        }
    }

    /// Marks jobs completed in one statement, each only if it is still this run's: not rescued, handed back
    /// or reclaimed meanwhile (the same guard as `record(_:of:)`). A cancel request does not turn a
    /// completion into a cancellation. When the write fails (the database is away), the leases run out and
    /// the rescuer retries the jobs: they may run again.
    ///
    /// With a `claiming` limit, a claim of up to that many jobs follows the completion in the same round trip,
    /// as a transaction of its own: each commits or fails without the other. Returns the claimed jobs, nil
    /// when the claim failed (or was never sent).
    @discardableResult
    func recordCompleted(_ batch: [CompletedJobs.Entry], claiming limit: Int = 0) async -> [Job]? {
        // In id order, so two statements that lock some of the same rows take them in the same order; a job
        // rescued and claimed here again can be in the batch twice, and its newest run goes first, the one the
        // statement checks.
        let sorted = batch.sorted { $0.id < $1.id || ($0.id == $1.id && $0.attempt > $1.attempt) }
        let statement = Self.completionStatement(
            ids: sorted.map(\.id), attempts: sorted.map(\.attempt), workerID: configuration.workerID)
        var claim = limit > 0 ? claimStatement(limit: limit) : nil
        var claimed: [Job]? = limit > 0 ? nil : []
        for attempt in 1...3 {
            do {
                let rows: QueryResult
                if let pending = claim {
                    let results = try await pool.pipelined(
                        [statement], thenTransaction: Self.claimOptions, [pending])
                    claim = nil
                    claimed = claimedJobs(results.then)
                    rows = try results.first.get()[0]
                } else {
                    // One statement is atomic by itself: no BEGIN and COMMIT round trips around it.
                    rows = try await pool.withConnection { connection in try await connection.query(statement) }
                }
                guard rows.count < sorted.count else { return claimed }
                var written = Set(try rows.map { try $0.decode(0, as: Int64.self) })
                for entry in sorted where written.remove(entry.id) == nil {
                    logger.warning(
                        "job outcome not recorded: the job was taken back meanwhile",
                        metadata: ["job": "\(entry.id)", "kind": "\(entry.kind)"])
                }
                return claimed
            } catch let error as PostgresError where error.isTransient && attempt < 3 {
                continue
            } catch {
                logger.error(
                    "recording job completions failed",
                    metadata: ["jobs": "\(sorted.map(\.id))", "error": "\(error)"])
                return claimed
            }
        }
        return claimed
    }

    /// The jobs of a claim sent with completions; nil (and logged) when it failed.
    private func claimedJobs(_ result: Result<[QueryResult], any Error>) -> [Job]? {
        do {
            return try result.get()[0].map(Job.init(row:))
        } catch {
            if !Task.isCancelled { logger.error("claiming jobs failed", metadata: ["error": "\(error)"]) }
            return nil
        }
    }

    /// Marks the jobs `ids` completed, each only if it is still running attempt `attempts[i]` of `workerID`;
    /// returns the ids written. When an id repeats, only its first attempt is checked.
    ///
    /// The attempt is looked up by the id's position, not joined from `unnest($1, $2)`: an `UPDATE ... FROM`
    /// builds a whole-row copy of every joined row (kept for rechecking a concurrently updated row) and
    /// stores the function's rows first: 5.7% and 2.2% of the server's CPU in a two-process run (`perf`,
    /// `Benchmarks/queue`). The search is linear, over a batch no longer than the worker's concurrency. The
    /// primary key finds the batch: a prepared statement keeps the plan made for the table as it was, and
    /// one made while the table was small or never analysed had read every running job, or the whole table,
    /// for the connection's lifetime (0021 took the running jobs' index out of its reach).
    static func completionStatement(ids: [Int64], attempts: [Int], workerID: String) -> SQL {
        SQL(
            """
            UPDATE queue.jobs AS j SET state = 'completed', finalized_at = now(), lease_expires_at = NULL
            WHERE j.id = ANY ($1::bigint[]) AND j.attempt = ($2::integer[])[array_position($1::bigint[], j.id)]
              AND j.attempted_by = $3 AND j.state = 'running'
            RETURNING j.id
            """,
            parameters: [ids, attempts, workerID])
    }

    /// Writes the outcome, if the job is still this run's: not rescued, handed back or reclaimed meanwhile.
    /// A pending cancel request turns any outcome but completion into `cancelled`. When the write fails
    /// (the database is away), the lease runs out and the rescuer retries the job: it may run again.
    func record(_ outcome: JobOutcome, of job: Job) async {
        // The effective state, written once and read by each SET expression ($1 appears in all of them).
        let state =
            "(CASE WHEN j.cancel_requested_at IS NOT NULL AND $1::text <> 'completed' THEN 'cancelled' ELSE $1::text END)"
        let statement = SQL(
            """
            UPDATE queue.jobs AS j SET
              state = \(state),
              run_at = CASE WHEN \(state) IN ('retryable', 'scheduled')
                            THEN now() + make_interval(secs => $2::float8) ELSE j.run_at END,
              attempt = CASE WHEN \(state) = 'scheduled' THEN j.attempt - 1 ELSE j.attempt END,
              finalized_at = CASE WHEN \(state) IN ('completed', 'discarded', 'cancelled') THEN now() END,
              lease_expires_at = NULL,
              errors = CASE WHEN $3::text IS NULL THEN j.errors
                            ELSE j.errors || queue.error_entry(j.attempt, $3::text) END
            WHERE j.id = $4 AND j.attempt = $5 AND j.attempted_by = $6 AND j.state = 'running'
            """,
            parameters: [
                outcome.state.rawValue, outcome.delay, outcome.error, job.id, job.attempt, configuration.workerID,
            ])
        do {
            let updated = try await pool.withConnection { connection in try await connection.execute(statement) }
            if updated == 0 {
                logger.warning(
                    "job outcome not recorded: the job was taken back meanwhile",
                    metadata: ["job": "\(job.id)", "kind": "\(job.kind)"])
            }
        } catch {
            logger.error(
                "recording a job outcome failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}
