import ConcordQueue
import ConcordStore
import Foundation
import Logging
import PQ

/// Every job kind the worker runs, and the periodic jobs that start them.
///
/// Periodic jobs fan out: one job per organisation, so a failing organisation retries alone and several
/// workers share the organisations.
public struct WorkerJobs: Sendable {
    public let store: Store
    public let environment: WorkerEnvironment
    public let logger: Logger
    public let metrics: WorkerMetrics

    public init(store: Store, environment: WorkerEnvironment, logger: Logger, metrics: WorkerMetrics = WorkerMetrics())
    {
        self.store = store
        self.environment = environment
        self.logger = logger
        self.metrics = metrics
    }

    public enum Kind {
        public static let planAll = "nudges.plan_all"
        public static let planOrganisation = "nudges.plan"
        public static let deliverAll = "nudges.deliver_all"
        public static let deliverOrganisation = "nudges.deliver"
        public static let expireAll = "nudges.expire_all"
        public static let expireOrganisation = "nudges.expire"
    }

    /// Delivery of one organisation's due nudges, as the periodic fan-out enqueues it.
    public static func deliverJob(orgID: UUID, maxAttempts: Int = 5) throws -> NewJob {
        try NewJob(
            kind: Kind.deliverOrganisation, args: OrganisationArgs(orgID: orgID), organisationID: orgID,
            maxAttempts: maxAttempts)
    }

    struct OrganisationArgs: Codable, Sendable {
        let orgID: UUID
    }

    public func registry() -> JobRegistry {
        var registry = JobRegistry()
        let store = self.store
        let logger = self.logger
        let metrics = self.metrics
        let planner = NudgePlanner(store: store)
        let deliverer = NudgeDeliverer(
            store: store,
            configuration: NudgeDeliveryConfiguration(
                publicBaseURL: environment.publicBaseURL, smtp: environment.smtp,
                webhookHosts: environment.webhookHosts,
                outcomeRetryLimit: TimeInterval(environment.outcomeRetrySeconds)),
            logger: logger)
        let sweep = NudgeExpirySweep(store: store, deliveryRetentionDays: environment.deliveryRetentionDays)
        registry.register(kind: Kind.planAll) { _ in
            try await fanOut(kind: Kind.planOrganisation)
        }
        registry.register(kind: Kind.deliverAll) { _ in
            try await fanOut(kind: Kind.deliverOrganisation)
        }
        registry.register(kind: Kind.planOrganisation, args: OrganisationArgs.self) { args, _ in
            let summary = try await planner.plan(orgID: args.orgID)
            metrics.recordPlanning(summary)
            logger.info("planned nudges", metadata: ["org": "\(args.orgID)", "summary": "\(summary)"])
        }
        registry.register(kind: Kind.deliverOrganisation, args: OrganisationArgs.self) { args, job in
            let report = try await deliverer.deliverDue(
                orgID: args.orgID, claimant: NudgeClaimant(jobID: job.id, attempt: job.attempt))
            metrics.recordDelivery(report)
            logger.info("delivered nudges", metadata: ["org": "\(args.orgID)", "report": "\(report)"])
        }
        registry.register(kind: Kind.expireAll) { _ in
            try await fanOut(kind: Kind.expireOrganisation)
        }
        registry.register(kind: Kind.expireOrganisation, args: OrganisationArgs.self) { args, _ in
            let report = try await sweep.sweep(orgID: args.orgID)
            logger.info("swept nudges", metadata: ["org": "\(args.orgID)", "report": "\(report)"])
        }
        registerROIJobs(in: &registry, store: store)
        return registry
    }

    /// One job per active organisation, de-duplicated per minute so overlapping ticks add nothing.
    func fanOut(kind: String) async throws {
        let orgs = try await store.pool.withConnection { connection in
            try await connection.query("SELECT active_org_ids()").map { try $0.decode(0, as: UUID.self) }
        }
        let minute = Int(Date().timeIntervalSince1970 / 60)
        let jobs = try orgs.map { org in
            try NewJob(
                kind: kind, args: OrganisationArgs(orgID: org), organisationID: org, maxAttempts: 5,
                uniqueKey: "\(kind):\(org):\(minute)")
        }
        _ = try await JobQueue(pool: store.pool).enqueue(jobs)
    }

    /// Planning every ten minutes, delivery every minute, the expiry sweep hourly: delivery honours each leader's
    /// quiet hours, so it must look often; planning only adds what became due.
    public func periodicJobs() throws -> [PeriodicJob] {
        [
            try PeriodicJob(name: Kind.planAll, cron: "*/10 * * * *", job: NewJob(kind: Kind.planAll)),
            try PeriodicJob(name: Kind.deliverAll, cron: "* * * * *", job: NewJob(kind: Kind.deliverAll)),
            // Links expire after days: an hourly sweep is soon enough.
            try PeriodicJob(name: Kind.expireAll, cron: "41 * * * *", job: NewJob(kind: Kind.expireAll)),
            // A nightly sweep catches programmes whose change-triggered job was missed.
            try PeriodicJob(
                name: "ld.compute_roi.nightly", cron: "17 2 * * *",
                job: try NewJob(kind: ROIRecomputeJob.kind, args: ROIRecomputeJob.Args(orgID: nil))),
        ]
    }
}
