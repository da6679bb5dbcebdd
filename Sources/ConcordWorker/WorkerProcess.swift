import ConcordQueue
import ConcordStore
import Foundation
import Hummingbird
import Logging
import PQ
import ServiceLifecycle

/// The worker process: one queue worker with every job kind Concord runs, under swift-service-lifecycle so
/// SIGTERM and SIGINT stop claiming, let running jobs finish within the deadline and hand back the rest;
/// beside it, the status server (`/healthz`, `/readyz`, `/metrics`) on its own port.
public enum WorkerProcess {
    public static func run(environment: WorkerEnvironment, logger: Logger) async throws {
        let pool = ConnectionPool(
            PoolConfiguration(conninfo: environment.databaseURL, maxConnections: environment.poolSize))
        let metrics = WorkerMetrics()
        let jobs = WorkerJobs(store: Store(pool: pool), environment: environment, logger: logger, metrics: metrics)
        let worker = QueueWorker(
            pool: pool, registry: jobs.registry(),
            configuration: QueueWorkerConfiguration(
                concurrency: environment.concurrency, listenConninfo: environment.databaseURL,
                lease: .seconds(environment.leaseSeconds),
                periodicJobs: try jobs.periodicJobs()),
            logger: logger)
        let status = Application(
            router: WorkerStatusRoutes.router(pool: pool, metrics: metrics),
            configuration: .init(
                address: .hostname(environment.statusHost, port: environment.statusPort), serverName: "concord-worker"),
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: worker), .init(service: status)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        await pool.close()
    }
}
