import Foundation
import PQ

extension QueueWorker {
    /// The poll: a tick every `pollInterval`, in case a notification was missed.
    func tick(_ emit: AsyncStream<WorkerSignal>.Continuation) async {
        while (try? await Task.sleep(for: configuration.pollInterval)) != nil {
            emit.yield(.tick)
        }
    }

    /// LISTEN for new jobs of this worker's queues and for cancel requests, on a connection of its own.
    func listen(_ emit: AsyncStream<WorkerSignal>.Continuation) async {
        let listener = NotificationListener(
            conninfo: configuration.listenConninfo ?? pool.configuration.conninfo,
            channels: [JobQueue.jobsChannel, JobQueue.cancelChannel])
        let queues = Set(configuration.queues)
        for await event in listener.events() {
            switch event {
            case .listening:
                // Notifications sent while the connection was down are lost: look for work now.
                emit.yield(.wake)
            case .notification(let channel, let payload):
                if channel == JobQueue.jobsChannel, queues.contains(payload) {
                    emit.yield(.wake)
                } else if channel == JobQueue.cancelChannel, let id = Int64(payload) {
                    running.cancelHandler(id: id)
                }
            }
        }
    }

    func addMaintenance(to group: inout TaskGroup<Void>, emit: AsyncStream<WorkerSignal>.Continuation) {
        let scheduler = JobScheduler(pool: pool)
        let rescuer = JobRescuer(pool: pool)
        let cleaner = JobCleaner(pool: pool, configuration: configuration.cleaner)
        group.addTask {
            await self.every(self.configuration.schedulerInterval, "scheduler") {
                let promoted = try await scheduler.runOnce()
                if promoted > 0 { emit.yield(.wake) }
                return promoted
            }
        }
        group.addTask {
            await self.every(self.configuration.rescuerInterval ?? self.configuration.lease, "rescuer") {
                try await rescuer.runOnce()
            }
        }
        group.addTask {
            await self.every(self.configuration.cleaner.interval, "cleaner") { try await cleaner.runOnce() }
        }
        if let enqueuer = periodic {
            group.addTask {
                await self.every(self.configuration.periodicCheckInterval, "periodic enqueuer") {
                    let fired = try await enqueuer.fireDue(now: self.configuration.now())
                    let won = fired.filter { $0.jobID != nil }.count
                    if won > 0 { emit.yield(.wake) }
                    return won
                }
            }
        }
    }

    /// Runs `body` every `interval` until cancelled; a full batch (`body` returned `batchHint` or more) runs
    /// again at once. Errors are logged and the loop goes on.
    func every(_ interval: Duration, _ name: String, _ body: @Sendable () async throws -> Int) async {
        while !Task.isCancelled {
            do {
                let count = try await body()
                if count > 0 { logger.debug("\(name) ran", metadata: ["rows": "\(count)"]) }
            } catch {
                if Task.isCancelled { return }
                logger.error("\(name) failed", metadata: ["error": "\(error)"])
            }
            guard (try? await Task.sleep(for: interval)) != nil else { return }
        }
    }

    /// Renews the leases of running jobs every third of the lease; cancels the handlers of jobs that are no
    /// longer this worker's (rescued after a stall) and of jobs someone asked to cancel.
    func renewLeases() async {
        let interval = configuration.lease / 3
        while (try? await Task.sleep(for: interval)) != nil {
            // In id order, like completions, so the two statements take shared row locks in the same order.
            let leases = running.leases.sorted { $0.id < $1.id }
            guard !leases.isEmpty else { continue }
            do {
                // The ids a second time, as in the completion, so that its plan looks them up by id.
                let rows = try await pool.withTransaction { tx in
                    try await tx.query(
                        """
                        UPDATE queue.jobs AS j
                        SET lease_expires_at = now() + make_interval(secs => \(configuration.lease.seconds))
                        FROM unnest(\(leases.map(\.id))::bigint[], \(leases.map(\.attempt))::integer[])
                          AS held (id, attempt)
                        WHERE j.id = ANY (\(leases.map(\.id))::bigint[]) AND j.id = held.id
                          AND j.attempt = held.attempt
                          AND j.attempted_by = \(configuration.workerID) AND j.state = 'running'
                        RETURNING j.id, j.cancel_requested_at IS NOT NULL AS cancel_requested
                        """)
                }
                var kept = Set<Int64>()
                for row in rows {
                    let (id, cancelRequested) = try row.decode((Int64, Bool).self)
                    kept.insert(id)
                    if cancelRequested { running.cancelHandler(id: id) }
                }
                for lease in leases where !kept.contains(lease.id) {
                    logger.warning("lost the lease of a running job; stopping it", metadata: ["job": "\(lease.id)"])
                    running.cancelHandler(id: lease.id)
                }
            } catch {
                logger.error("renewing leases failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
