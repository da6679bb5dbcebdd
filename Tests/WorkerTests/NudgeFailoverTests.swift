import ConcordQueue
import ConcordStore
import ConcordTestSupport
import ConcordWorker
import Foundation
import HTTPTypes
import HummingbirdTesting
import LocalPostgres
import Migrations
import NIOCore
import PQ
import Testing

/// Issue 8's failover check, end to end: a primary with a synchronous standby (`deploy/primary-standby`), the
/// built `concord-api` and `concord-worker` processes on its read-write URLs, two clients writing through the
/// API and nudges planned and delivered to a webhook receiver all along. One message is held on its way when
/// the primary stops and answered before the standby is promoted, so its outcome can only be recorded on the
/// promoted standby, where its leader's lock is free. The API answers 503
/// with `Retry-After` meanwhile and writes again without a restart; no acknowledged write is lost; every nudge
/// planned before the failover reaches the receiver exactly once, and those planned after it go out too.
@Suite struct NudgeFailoverTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(.timeLimit(.minutes(4)))
    func apiAndWorkerFollowAPromotedStandbyAndEveryNudgeGoesOutOnce() async throws {
        // Needs server programs of its own; with an external test server there may be none.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        for name in ["concord-api", "concord-worker"] {
            try #require(FileManager.default.isExecutableFile(atPath: Self.executable(name).path), "build \(name)")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-replica-\(UUID())").path
        let ports = [
            "CONCORD_PRIMARY_PORT=\(try LocalPostgres.freePort())",
            "CONCORD_STANDBY_PORT=\(try LocalPostgres.freePort())",
        ]
        let scriptPath = Self.root.appendingPathComponent("deploy/primary-standby").path
        @Sendable func script(_ command: String) async throws {
            _ = try await LocalPostgres.run("/usr/bin/env", ports + ["bash", scriptPath, command, dir])
        }
        // The servers are stopped whether or not the test gets through; `defer` cannot await.
        try await withCleanup {
            try await script("start")
            let urls = Self.exports(try String(contentsOfFile: dir + "/urls.env", encoding: .utf8))
            let ownerURL = try #require(urls["CONCORD_DATABASE_URL"])
            try await Migrator(sqlDirectory: TestDatabase.sqlDirectory).migrate(conninfo: ownerURL)
            let owner = ConnectionPool(PoolConfiguration(conninfo: ownerURL, maxConnections: 4))
            let receiver = try TestHTTPReceiver(statuses: [200])
            defer { receiver.stop() }
            let setup = try await FailoverSetup.make(owner, webhook: receiver.url)

            let api = try ChildProcess(
                Self.executable("concord-api"),
                [
                    "CONCORD_API_DATABASE_URL": try #require(urls["CONCORD_API_DATABASE_URL"]),
                    "CONCORD_API_PORT": "\(try LocalPostgres.freePort())", "CONCORD_API_KEY_CACHE_SECONDS": "0",
                ])
            let worker = try ChildProcess(
                Self.executable("concord-worker"),
                [
                    "CONCORD_WORKER_DATABASE_URL": try #require(urls["CONCORD_WORKER_DATABASE_URL"]),
                    "CONCORD_WORKER_STATUS_PORT": "0", "CONCORD_WORKER_CONCURRENCY": "4",
                    "CONCORD_WEBHOOK_ALLOW_HOSTS": "127.0.0.1",
                ])
            defer {
                api.stop()
                worker.stop()
            }
            let apiPort = Int(try #require(api.environment["CONCORD_API_PORT"]))!
            try await Self.waitUntil("the API is ready", timeout: 60, logs: [api, worker]) {
                (try? await TestClient.withClient(host: "127.0.0.1", port: apiPort) { client in
                    try await client.execute(TestClient.Request("/readyz", method: .get)).status == .ok
                }) ?? false
            }

            let log = FailoverLog()
            let planned = PlannedNudges()
            let queue = JobQueue(pool: owner)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        try await Self.writeAreas(writer: writer, port: apiPort, setup: setup, log: log)
                    }
                }
                // The planner's part: a nudge every 150 ms for the next leader, and a delivery job to send it.
                group.addTask {
                    var counter = 0
                    while await !log.finished {
                        counter += 1
                        let phase = await log.phase
                        if let id = try? await setup.planNudge(counter, on: owner) {
                            await planned.add(id, phase: phase)
                        }
                        _ = try? await queue.enqueue(try WorkerJobs.deliverJob(orgID: setup.org))
                        try await Task.sleep(for: .milliseconds(150))
                    }
                }
                try await Self.waitUntil("nudges are being delivered", timeout: 45, logs: [api, worker]) {
                    receiver.requests.count >= 5
                }
                // The next message is held on its way while the primary goes away.
                receiver.holdNext()
                try await Self.waitUntil("a message is on its way", timeout: 30, logs: [api, worker]) {
                    receiver.heldCount == 1
                }
                await log.outageStarts()
                try await script("stop-primary")
                try await Task.sleep(for: .milliseconds(500))
                // Delivered while there is no primary: the outcome waits for the promotion, and meanwhile the
                // promoted standby holds no lock for that leader, so other delivery jobs find the claim unguarded.
                receiver.answerHeld(status: 200)
                // Long enough that a writer slowed by a busy machine still starts a request without a primary.
                try await Task.sleep(for: .seconds(4))
                try await script("promote")
                await log.outageEnds()
                try await Self.waitUntil("the API writes and nudges go out again", timeout: 45, logs: [api, worker]) {
                    let after = await planned.ids(in: .afterPromotion)
                    let received = Set(Self.nudgeIDs(receiver.requests))
                    return await log.lastAreCreated(10) && after.count >= 3
                        && after.filter(received.contains).count >= 3
                }
                await log.finish()
                try await group.waitForAll()
            }
            let all = await planned.all
            @Sendable func states() async throws -> [String: Int] {
                try await owner.withConnection { connection in
                    Dictionary(
                        uniqueKeysWithValues: try await connection.query(
                            "SELECT state, count(*) FROM nudges WHERE id = ANY(\(Array(all.keys))::uuid[]) GROUP BY state"
                        ).map { try $0.decode((String, Int).self) })
                }
            }
            // A sender whose outcome waited for the promotion records it at its next try (a few seconds at most).
            try await Self.waitUntil("every planned nudge is delivered and recorded", timeout: 45, logs: [api, worker])
            {
                _ = try? await queue.enqueue(try WorkerJobs.deliverJob(orgID: setup.org))
                try await Task.sleep(for: .milliseconds(200))
                guard Set(all.keys).isSubset(of: Self.nudgeIDs(receiver.requests)) else { return false }
                let recorded = try? await states()
                return recorded?.keys.sorted() == ["sent"]
            }

            // The API: 503 with Retry-After while there was no primary, never a hang, and writes again after.
            let outcomes = await log.outcomes
            let (outageStart, outageEnd) = try #require(await log.outage)
            // Requests in flight at any moment without a primary: on a busy machine a refusal can take longer than
            // the whole window, so a writer may start none inside it.
            let down = outcomes.filter { $0.start < outageEnd && $0.end > outageStart }
            #expect(down.contains { $0.status == 503 }, "no 503 while there was no primary")
            #expect(down.filter { $0.status == 503 }.allSatisfy { $0.retryAfter != nil })
            // No request may outlast what the pool and the URL bound (a starved machine can take over 10 s to refuse).
            let slowest = try #require(down.max { $0.end - $0.start < $1.end - $1.start })
            #expect(
                slowest.end - slowest.start < FailoverBound.longestRequest,
                "a request waited \(slowest.end - slowest.start) while there was no primary (status \(slowest.status))")
            #expect(await log.lastAreCreated(10))
            let written = await log.acknowledged
            let stored = Set(
                try await owner.withConnection { connection in
                    try await connection.query("SELECT name FROM areas WHERE org_id = \(setup.org)::uuid").map {
                        try $0.decode(0, as: String.self)
                    }
                })
            #expect(written.count > 10)
            #expect(written.subtracting(stored).isEmpty, "acknowledged but lost: \(written.subtracting(stored))")

            // Nudges: each id at the receiver once; every one planned before the failover, and after it, there.
            var counts: [UUID: Int] = [:]
            for id in Self.nudgeIDs(receiver.requests) { counts[id, default: 0] += 1 }
            #expect(counts.filter { $0.value > 1 }.isEmpty, "delivered twice: \(counts.filter { $0.value > 1 })")
            let before = all.filter { $0.value == .beforeFailover }.map(\.key)
            #expect(before.count >= 5)
            #expect(before.filter { counts[$0] == nil }.isEmpty, "planned before the failover, never delivered")
            #expect(all.filter { $0.value == .afterPromotion }.count >= 3)
            #expect(try await states() == ["sent": all.count], "states on the new primary")
            // The held message's outcome was written on the promoted standby, after the reconnect.
            #expect(worker.output.contains("recorded a nudge outcome after the database came back"))
            await owner.close()
        } cleanup: {
            _ = try? await script("stop")
        }
    }

    /// A client creating areas through the API until the log is finished; every answer is logged.
    static func writeAreas(writer: Int, port: Int, setup: FailoverSetup, log: FailoverLog) async throws {
        // A read timeout above the pool's own bound, so a slow refusal is measured rather than thrown.
        try await TestClient.withClient(
            host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60))
        ) { client in
            var counter = 0
            while await !log.finished {
                counter += 1
                let name = "w\(writer)-\(counter)"
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(setup.key)"
                headers[.contentType] = "application/json"
                let start = ContinuousClock.now
                let response = try await client.execute(
                    TestClient.Request(
                        "/v1/orgs/\(setup.org)/areas", method: .post, headers: headers,
                        body: ByteBuffer(string: #"{"name":"\#(name)"}"#)))
                await log.record(
                    start: start, status: response.status.code, retryAfter: response.headers[.retryAfter],
                    acknowledged: response.status == .created ? name : nil)
            }
        }
    }

    /// The nudge ids in webhook bodies (a digest carries several).
    static func nudgeIDs(_ requests: [ReceivedRequest]) -> [UUID] {
        requests.flatMap { request -> [UUID] in
            let body = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            let items = body?["nudges"] as? [[String: Any]] ?? []
            return items.compactMap { ($0["id"] as? String).flatMap(UUID.init(uuidString:)) }
        }
    }

    static func executable(_ name: String) -> URL { root.appendingPathComponent(".build/debug/\(name)") }

    static func waitUntil(
        _ what: String, timeout: Double, logs: [ChildProcess], _ condition: () async throws -> Bool
    ) async throws {
        if try await eventually(within: .seconds(timeout), every: .milliseconds(100), condition) { return }
        // Warnings and errors: the info lines of a busy worker would hide them.
        let tails = logs.map { log in
            log.output.split(separator: "\n").filter { !$0.contains(" info ") }.suffix(40).joined(separator: "\n")
        }.joined(separator: "\n")
        Issue.record("timed out waiting until \(what)\n\(tails)")
        throw CancellationError()
    }

    /// `export NAME='value'` lines as a dictionary.
    static func exports(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("export ") {
            let assignment = line.dropFirst("export ".count)
            guard let equals = assignment.firstIndex(of: "=") else { continue }
            values[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
                .trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
        return values
    }
}

/// One organisation with an admin key, ten leaders reached by webhook, each heading an area that leads a
/// proposed initiative (the planner leaves those alone: the test plans every nudge itself).
struct FailoverSetup: Sendable {
    let org: UUID
    let key: String
    let pairs: [(initiative: UUID, leader: UUID)]

    static func make(_ owner: ConnectionPool, webhook: String) async throws -> FailoverSetup {
        let org = UUID()
        try await owner.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO organisations (org_id, name, slug, timezone, nudge_weekly_cap, working_days,
                                           quiet_hours_start, quiet_hours_end)
                VALUES (\(org)::uuid, 'Failover', 'failover', 'UTC', 100, '{1,2,3,4,5,6,7}', NULL, NULL)
                """)
            try await connection.execute(
                """
                INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
                VALUES (\(org)::uuid, 'webhook', \(webhook), '{s}')
                """)
        }
        let provisioning = Provisioning(pool: owner)
        let principal = try await provisioning.createPrincipal(name: "failover", orgID: org)
        let key = try await provisioning.createKey(principalID: principal, scopes: [.admin]).secret.value
        var pairs: [(UUID, UUID)] = []
        for index in 0..<10 {
            let (area, leader, initiative) = (UUID(), UUID(), UUID())
            try await owner.withConnection { connection in
                try await connection.execute(
                    "INSERT INTO areas (org_id, id, name) VALUES (\(org)::uuid, \(area)::uuid, \("Area \(index)"))")
                try await connection.execute(
                    """
                    INSERT INTO leaders (org_id, id, area_id, name, email, channels)
                    VALUES (\(org)::uuid, \(leader)::uuid, \(area)::uuid, \("Leader \(index)"),
                            \("leader\(index)@example.com"), '{"webhook": ""}')
                    """)
                try await connection.execute(
                    """
                    UPDATE areas SET head_leader_id = \(leader)::uuid WHERE org_id = \(org)::uuid AND id = \(area)::uuid
                    """)
                try await connection.execute(
                    """
                    INSERT INTO initiatives (org_id, id, title, lead_area_id, importance, stage)
                    VALUES (\(org)::uuid, \(initiative)::uuid, \("Initiative \(index)"), \(area)::uuid, 3, 'proposed')
                    """)
            }
            pairs.append((initiative, leader))
        }
        return FailoverSetup(org: org, key: key, pairs: pairs)
    }

    /// Plans the `counter`th nudge, for the next leader in turn, due now; its id once committed.
    func planNudge(_ counter: Int, on owner: ConnectionPool) async throws -> UUID {
        let (initiative, leader) = pairs[counter % pairs.count]
        let id = UUID()
        try await owner.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, due_at)
                VALUES (\(org)::uuid, \(id)::uuid, \(initiative)::uuid, \(leader)::uuid, 'cadence', \("c\(counter)"),
                        now() - interval '1 second')
                """)
        }
        return id
    }
}

/// The nudges planned, by when.
actor PlannedNudges {
    enum Phase: Sendable { case beforeFailover, outage, afterPromotion }

    private(set) var all: [UUID: Phase] = [:]

    func add(_ id: UUID, phase: Phase) { all[id] = phase }
    func ids(in phase: Phase) -> [UUID] { all.filter { $0.value == phase }.map(\.key) }
}

/// Every answer the API load got, the names it acknowledged, and when the primary was away.
actor FailoverLog {
    struct Outcome: Sendable {
        let start: ContinuousClock.Instant
        let end: ContinuousClock.Instant
        let status: Int
        let retryAfter: String?
    }

    private(set) var outcomes: [Outcome] = []
    private(set) var acknowledged: Set<String> = []
    private(set) var finished = false
    private var outageStart: ContinuousClock.Instant?
    private var outageEnd: ContinuousClock.Instant?

    var outage: (ContinuousClock.Instant, ContinuousClock.Instant)? {
        guard let outageStart, let outageEnd else { return nil }
        return (outageStart, outageEnd)
    }

    var phase: PlannedNudges.Phase {
        outageStart == nil ? .beforeFailover : outageEnd == nil ? .outage : .afterPromotion
    }

    func record(start: ContinuousClock.Instant, status: Int, retryAfter: String?, acknowledged name: String?) {
        outcomes.append(Outcome(start: start, end: .now, status: status, retryAfter: retryAfter))
        if let name { acknowledged.insert(name) }
    }

    func outageStarts() { outageStart = .now }
    func outageEnds() { outageEnd = .now }
    func finish() { finished = true }

    /// The last `count` answers to requests sent after the promotion are all 201.
    func lastAreCreated(_ count: Int) -> Bool {
        guard let outageEnd else { return false }
        let after = outcomes.filter { $0.start >= outageEnd }
        return after.count >= count && after.suffix(count).allSatisfy { $0.status == 201 }
    }
}

/// A built executable of the package run with extra environment, its output kept in a temporary file.
final class ChildProcess: Sendable {
    let environment: [String: String]
    private let process: Process
    private let log: URL

    init(_ executable: URL, _ environment: [String: String]) throws {
        self.environment = environment
        log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(executable.lastPathComponent)-\(UUID()).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = executable
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}
