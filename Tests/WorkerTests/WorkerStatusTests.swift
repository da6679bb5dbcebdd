import ConcordQueue
import ConcordStore
import ConcordTestSupport
import ConcordWorker
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import Testing

/// The worker's status server over a real socket: health, readiness, and Prometheus series that move as
/// the worker plans and delivers nudges.
@Suite struct WorkerStatusTests {
    @Test(.timeLimit(.minutes(3)))
    func metricsAreScrapedAndMoveAfterWork() async throws {
        let fixture = try await NudgeFixture.make()
        // Any day and hour, so delivery does not wait for Berlin's working hours.
        try await fixture.execute(
            """
            UPDATE organisations SET working_days = '{1,2,3,4,5,6,7}', quiet_hours_start = NULL,
                                     quiet_hours_end = NULL
            WHERE org_id = \(fixture.orgID)::uuid
            """)
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        try await fixture.execute(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(fixture.orgID)::uuid, 'webhook', \(receiver.url), '{s}')
            """)
        // One leader reached by webhook (sent), one by email with no SMTP server configured (failed).
        let it = try await fixture.areaWithHead("IT", channels: #"{"webhook": ""}"#)
        let quality = try await fixture.areaWithHead("Quality")
        let now = Date()
        _ = try await fixture.initiative(
            "ERP", lead: it.area, supporting: [quality.area], createdAt: now.addingTimeInterval(-90 * 86_400),
            lastActivityAt: now.addingTimeInterval(-86_400))

        let conninfo = fixture.database.conninfo(user: "concord_worker")
        let environment = try await WorkerEnvironment.load([
            "CONCORD_WORKER_DATABASE_URL": conninfo, "CONCORD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        ])
        let metrics = WorkerMetrics()
        let jobs = WorkerJobs(
            store: Store(pool: fixture.worker), environment: environment, logger: Logger(label: "test"),
            metrics: metrics)
        let queue = JobQueue(pool: fixture.worker)
        let status = Application(
            router: WorkerStatusRoutes.router(pool: fixture.worker, metrics: metrics),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await status.test(.live) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            let before = try await Scrape(client)
            for series in [
                #"concord_queue_jobs{state="available"}"#, #"concord_queue_jobs{state="completed"}"#,
                "concord_queue_oldest_available_age_seconds", "concord_nudges_planned_total",
                "concord_nudges_sent_total", "concord_nudges_failed_total", "concord_db_pool_connections_in_use",
                "concord_db_pool_waiters",
            ] {
                #expect(before[series] != nil, "\(series) is exported")
            }

            _ = try await queue.enqueue(NewJob(kind: WorkerJobs.Kind.planAll))
            let waiting = try await Scrape(client)
            #expect(waiting[#"concord_queue_jobs{state="available"}"#] == 1)

            let worker = QueueWorker(
                pool: fixture.worker, registry: jobs.registry(),
                configuration: QueueWorkerConfiguration(pollInterval: .milliseconds(50), listenConninfo: conninfo))
            let running = Task { try await worker.run() }
            defer { running.cancel() }
            var after = waiting
            var deliveryQueued = false
            for _ in 0..<200 {
                after = try await Scrape(client)
                if after["concord_nudges_planned_total", default: 0] >= 2 && !deliveryQueued {
                    _ = try await queue.enqueue(NewJob(kind: WorkerJobs.Kind.deliverAll))
                    deliveryQueued = true
                }
                if after["concord_nudges_sent_total", default: 0] >= 1
                    && after["concord_nudges_failed_total", default: 0] >= 1
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(after["concord_nudges_planned_total"] == 2)
            #expect(after["concord_nudges_sent_total"] == 1)
            #expect(after["concord_nudges_failed_total"] == 1)
            #expect(after[#"concord_queue_jobs{state="completed"}"#, default: 0] >= 2)
            #expect(receiver.requests.count == 1)
        }
    }
}

/// One `/metrics` answer, as series name (with labels) to value.
struct Scrape {
    let values: [String: Double]

    init(_ client: some TestClientProtocol) async throws {
        let response = try await client.execute(uri: "/metrics", method: .get)
        var values: [String: Double] = [:]
        for line in String(buffer: response.body).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            values[String(line[..<space])] = value
        }
        self.values = values
    }

    subscript(series: String) -> Double? { values[series] }
    subscript(series: String, default fallback: Double) -> Double { values[series] ?? fallback }
}
