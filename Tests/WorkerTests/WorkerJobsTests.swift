import ConcordQueue
import ConcordStore
import ConcordTestSupport
import ConcordWorker
import Foundation
import Logging
import PQ
import ServiceLifecycle
import Testing

/// The worker process's own wiring: the periodic "plan all" job fans out one job per organisation, and the
/// queue worker runs them, so nudges appear without anyone calling the planner directly.
@Suite struct WorkerJobsTests {
    @Test(.timeLimit(.minutes(3)))
    func planningFansOutPerOrganisationAndPlansNudges() async throws {
        let fixture = try await NudgeFixture.make()
        let now = Date()
        let it = try await fixture.areaWithHead("IT")
        let quality = try await fixture.areaWithHead("Quality")
        _ = try await fixture.initiative(
            "ERP", lead: it.area, supporting: [quality.area], createdAt: now.addingTimeInterval(-90 * 86_400),
            lastActivityAt: now.addingTimeInterval(-86_400))
        let environment = try await WorkerEnvironment.load([
            "CONCORD_WORKER_DATABASE_URL": fixture.database.conninfo(user: "concord_worker")
        ])
        let jobs = WorkerJobs(
            store: Store(pool: fixture.worker), environment: environment, logger: Logger(label: "test"))
        let queue = JobQueue(pool: fixture.worker)
        _ = try await queue.enqueue(NewJob(kind: WorkerJobs.Kind.planAll))
        let worker = QueueWorker(
            pool: fixture.worker, registry: jobs.registry(),
            configuration: QueueWorkerConfiguration(
                pollInterval: .milliseconds(50), listenConninfo: fixture.database.conninfo(user: "concord_worker")))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        var planned: [PlannedRow] = []
        var done: [Job] = []
        // The nudges commit with the planning job's transaction; the job is marked completed just after.
        for _ in 0..<200 where planned.count < 2 || done.isEmpty {
            planned = try await fixture.nudges()
            done = try await queue.jobs(JobFilter(states: [.completed], kind: WorkerJobs.Kind.planOrganisation))
            if planned.count < 2 || done.isEmpty { try await Task.sleep(for: .milliseconds(100)) }
        }
        // Both required leaders (the heads of the lead and the supporting area) get a cadence nudge.
        #expect(Set(planned.map(\.leader)) == [it.leader, quality.leader])
        #expect(done.count == 1)
        #expect(done.first?.organisationID == fixture.orgID)
    }
}
