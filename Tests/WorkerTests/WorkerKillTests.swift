import ConcordQueue
import ConcordStore
import ConcordTestSupport
import ConcordWorker
import Foundation
import Logging
import PQ
import Testing

/// A real `concord-worker` process (the built executable) killed with SIGKILL in the middle of a job: the job
/// is taken back once its lease runs out and finished by another worker, and the nudge it was sending is
/// delivered once, with one live answer link.
@Suite struct WorkerKillTests {
    static var executable: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/concord-worker")
    }

    @Test(.timeLimit(.minutes(3)))
    func killedWorkersJobIsRescuedAndItsNudgeDeliveredOnce() async throws {
        // `swift build --build-tests` (the test command) builds the executable next to the tests.
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path), "build concord-worker first")
        let f = try await NudgeFixture.make()
        // The worker runs on the real clock: any day and hour may send.
        try await f.execute(
            """
            UPDATE organisations SET working_days = '{1,2,3,4,5,6,7}', quiet_hours_start = NULL,
                                     quiet_hours_end = NULL
            WHERE org_id = \(f.orgID)::uuid
            """)
        // The first request is never answered: the killed worker dies waiting for it. The next gets 200.
        let receiver = try TestHTTPReceiver(statuses: [0, 200])
        defer { receiver.stop() }
        try await f.execute(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(f.orgID)::uuid, 'webhook', \(receiver.url), '{s}')
            """)
        let head = try await f.areaWithHead("IT", channels: #"{"webhook": ""}"#)
        let now = Date()
        // Proposed: the planner leaves it alone, so the nudge below is the only one.
        let initiative = try await f.initiative(
            "Kill test", lead: head.area, stage: "proposed", createdAt: now.days(-3), lastActivityAt: now)
        let nudge = UUID()
        try await f.execute(
            """
            INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, due_at, created_at)
            VALUES (\(f.orgID)::uuid, \(nudge)::uuid, \(initiative)::uuid, \(head.leader)::uuid, 'cadence', 'c0',
                    \(now.addingTimeInterval(-60))::timestamptz, \(now)::timestamptz)
            """)
        let queue = JobQueue(pool: f.owner)
        let job = try await queue.enqueue(try WorkerJobs.deliverJob(orgID: f.orgID)).id

        // Short, so the rescue comes soon after the kill; long enough that a stall of the child before it cannot
        // let the child's own rescuer take the job back from itself.
        let (process, log) = try startWorker(conninfo: f.database.conninfo(user: "concord_worker"), leaseSeconds: 6)
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: log)
        }
        do {
            try await waitUntil("the worker is sending", timeout: 30) { receiver.requests.count == 1 }
        } catch {
            Issue.record("concord-worker output:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            throw error
        }
        let held = try #require(try await queue.job(id: job))
        #expect(held.state == .running)
        #expect(held.attemptedBy?.contains(":\(process.processIdentifier):") == true)
        #expect(try await nudgeState(f, nudge) == "sending")

        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // Another worker, in this process. Its own lease is long, so that a loaded machine cannot make it
        // lose the job it takes back; the killed worker's short lease is what lets the rescuer take it.
        let pool = f.database.pool(user: "concord_worker", maxConnections: 8)
        let environment = try await WorkerEnvironment.load([
            "CONCORD_WORKER_DATABASE_URL": f.database.conninfo(user: "concord_worker"),
            "CONCORD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        ])
        let jobs = WorkerJobs(store: Store(pool: pool), environment: environment, logger: Logger(label: "test"))
        let worker = QueueWorker(
            pool: pool, registry: jobs.registry(),
            configuration: QueueWorkerConfiguration(
                pollInterval: .milliseconds(100), listenConninfo: f.database.conninfo(user: "concord_worker"),
                lease: .seconds(30), schedulerInterval: .milliseconds(100), rescuerInterval: .milliseconds(200)))
        let running = Task { try await worker.run() }
        defer { running.cancel() }
        // The killed process's scheduler may have fired the every-minute delivery fan-out before it died (a
        // loaded run crosses a minute): its delivery job can then hold the leader and send while this job,
        // finding the leader busy, completes at once. So wait for the nudge's outcome too, not the job alone.
        try await waitUntil("the job is finished and the nudge's outcome recorded", timeout: 30) {
            guard try await queue.job(id: job)?.state == .completed else { return false }
            return try await nudgeState(f, nudge) != "sending"
        }

        let finished = try #require(try await queue.job(id: job))
        // Two runs: the killed one, taken back when its lease ran out, and the one that finished.
        #expect(finished.attempt == 2)
        #expect(finished.errors.count == 1)
        #expect(finished.errors.first?.error.contains("lease expired") == true)
        #expect(finished.attemptedBy != held.attemptedBy)

        // The receiver saw the same nudge twice and acknowledged it once; only the acknowledged link answers.
        #expect(receiver.requests.count == 2)
        let links = try receiver.requests.map { try answerLink(in: $0, nudge: nudge) }
        let stored = try await f.query(
            "SELECT state, encode(token_hash, 'hex') FROM nudges WHERE id = \(nudge)::uuid"
        )[0].decode((String, String).self)
        #expect(stored.0 == "sent")
        #expect(stored.1 == NudgeToken(links[1]).hashHex)
        #expect(stored.1 != NudgeToken(links[0]).hashHex)
        // Every attempt recorded: the interrupted one (no answer), then the delivery.
        let attempts = try await f.query(
            "SELECT status_code, error FROM nudge_deliveries WHERE nudge_id = \(nudge)::uuid ORDER BY at"
        ).map { try $0.decode((Int?, String?).self) }
        #expect(attempts.map(\.0) == [nil, 200])
        #expect(attempts.first?.1?.hasPrefix("interrupted") == true)
    }

    /// Starts the built worker with a short lease; its output goes to a file in the temporary directory.
    func startWorker(conninfo: String, leaseSeconds: Int) throws -> (Process, log: URL) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("concord-worker-\(UUID()).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = Self.executable
        process.environment = ProcessInfo.processInfo.environment.merging([
            "CONCORD_WORKER_DATABASE_URL": conninfo, "CONCORD_WORKER_LEASE_SECONDS": "\(leaseSeconds)",
            "CONCORD_WORKER_CONCURRENCY": "1", "CONCORD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
        ]) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        return (process, log)
    }

    /// The token of `nudge`'s answer link in a webhook request.
    func answerLink(in request: ReceivedRequest, nudge: UUID) throws -> String {
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        let item = try #require((body["nudges"] as? [[String: Any]])?.first)
        #expect(item["id"] as? String == nudge.uuidString.lowercased())
        let url = try #require(item["answer_url"] as? String)
        return String(try #require(url.split(separator: "/").last))
    }

    func nudgeState(_ f: NudgeFixture, _ nudge: UUID) async throws -> String {
        try await f.query("SELECT state FROM nudges WHERE id = \(nudge)::uuid")[0].decode(0, as: String.self)
    }

    func waitUntil(
        _ what: String, timeout: Double, _ condition: () async throws -> Bool
    ) async throws {
        if try await eventually(within: .seconds(timeout), every: .milliseconds(100), condition) { return }
        Issue.record("timed out waiting until \(what)")
        throw CancellationError()
    }
}
