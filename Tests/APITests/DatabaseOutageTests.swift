import ConcordAPI
import ConcordDomain
import ConcordQueue
import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LocalPostgres
import Migrations
import PQ
import Testing

/// PostgreSQL stopped under API load and started again: while it is down every request is answered at once
/// with 503 and `Retry-After` (none hangs), and afterwards the same process answers 200 again, untouched;
/// a queue worker that lived through it runs the next job.
@Suite struct DatabaseOutageTests {
    @Test(.timeLimit(.minutes(4)))
    func theAPIAnswers503DuringAnOutageAndRecoversByItself() async throws {
        // A cluster of its own: stopping the shared one would cut every other test's connections.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        let cluster = try await LocalPostgres.start()
        defer { cluster.stop() }
        try await Migrator(sqlDirectory: TestDatabase.sqlDirectory).migrate(conninfo: cluster.conninfo())
        let (org, key) = try await Self.provision(cluster.conninfo())
        let pool = ConnectionPool(
            PoolConfiguration(
                conninfo: cluster.tcpConninfo(user: "concord_api") + " connect_timeout=2", maxConnections: 4))
        let app = Self.application(on: pool)
        let log = OutcomeLog()
        // A queue worker on the same server, to show it too carries on after the outage by itself.
        let workerConninfo = cluster.tcpConninfo(user: "concord_worker") + " connect_timeout=2"
        let workerPool = ConnectionPool(PoolConfiguration(conninfo: workerConninfo, maxConnections: 4))
        var registry = JobRegistry()
        registry.register(kind: "outage.probe") { _ in }
        let worker = QueueWorker(
            pool: workerPool, registry: registry,
            configuration: QueueWorkerConfiguration(pollInterval: .milliseconds(200), listenConninfo: workerConninfo))
        let working = Task { try await worker.run() }

        try await app.test(.live) { client in
            let port = try #require(client.port)
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(key)"
            let request = TestClient.Request("/v1/orgs/\(org)/areas", method: .get, headers: headers)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Three clients, each on its own connection, one request after another.
                for _ in 0..<3 {
                    group.addTask {
                        try await TestClient.withClient(
                            host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60))
                        ) { client in
                            while await !log.finished {
                                let start = ContinuousClock.now
                                let response = try await client.execute(request)
                                await log.record(
                                    Outcome(
                                        start: start, end: .now, status: response.status.code,
                                        retryAfter: response.headers[.retryAfter]))
                            }
                        }
                    }
                }
                // Served before the outage: a starved machine may take a while to answer the first requests.
                for _ in 0..<450 where await !log.lastAreOK(3) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                await log.outageStarts()
                try await cluster.stopServer()
                try await Task.sleep(for: .seconds(2))
                try await cluster.startServer()
                await log.outageEnds()
                // Recovered: ten answers in a row are 200, with no restart of the API or its pool.
                for _ in 0..<450 where await !log.lastAreOK(10) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                await log.finish()
                try await group.waitForAll()
            }
        }
        // A job enqueued after the outage runs on the worker that lived through it.
        let queue = JobQueue(pool: workerPool)
        let probe = try await queue.enqueue(NewJob(kind: "outage.probe"))
        var state = JobState.available
        for _ in 0..<450 where state != .completed {
            try await Task.sleep(for: .milliseconds(100))
            state = try await queue.job(id: probe.id)?.state ?? state
        }
        #expect(state == .completed, "the worker did not run a job after the outage")
        worker.shutdown()
        _ = try? await working.value
        await workerPool.close()
        await pool.close()

        let outcomes = await log.outcomes
        let (outageStart, outageEnd) = try #require(await log.outage)
        let before = outcomes.filter { $0.end < outageStart }
        #expect(!before.isEmpty && before.allSatisfy { $0.status == 200 }, "\(before.map(\.status))")
        let down = outcomes.filter { $0.start >= outageStart && $0.start < outageEnd }
        #expect(down.contains { $0.status == 503 }, "no 503 while the database was down")
        // 200 only from requests that the server answered while it was still shutting down.
        #expect(down.allSatisfy { $0.status == 503 || $0.status == 200 }, "\(Set(down.map(\.status)))")
        #expect(down.filter { $0.status == 503 }.allSatisfy { $0.retryAfter == Problem.retryAfterSeconds })
        // A hang would last the pool's acquire timeout (10 s) or the client's (15 s); the typical 503 comes at
        // once. (The slowest one says little on a starved machine: a scheduling stall is not a hang.)
        let refusals = down.filter { $0.status == 503 }.map { $0.end - $0.start }.sorted()
        let median = refusals.isEmpty ? Duration.zero : refusals[refusals.count / 2]
        #expect(median < .seconds(1), "the median 503 took \(median) while the database was down")
        #expect(await log.lastAreOK(10), "no recovery: \(outcomes.suffix(10).map(\.status))")
    }

    /// The API on `pool`, listening on a free loopback port; keys are looked up afresh for every request.
    static func application(on pool: ConnectionPool) -> some ApplicationProtocol {
        let router = APIServer.makeRouter(
            APIDependencies(store: Store(pool: pool), keys: KeyDirectory(pool: pool), keyCacheLifetime: .zero))
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: APIFixture.quietLogger)
    }

    /// An organisation and an admin key for it, made as the owner.
    static func provision(_ conninfo: String) async throws -> (org: UUID, key: String) {
        let owner = ConnectionPool(PoolConfiguration(conninfo: conninfo, maxConnections: 1))
        defer { Task { await owner.close() } }
        let org = UUID()
        try await owner.withConnection { connection in
            try await connection.execute(
                "INSERT INTO organisations (org_id, name, slug, timezone) VALUES (\(org)::uuid, 'Outage', 'outage', 'UTC')"
            )
        }
        let provisioning = Provisioning(pool: owner)
        let principal = try await provisioning.createPrincipal(name: "outage", orgID: org)
        let key = try await provisioning.createKey(principalID: principal, scopes: [.admin])
        return (org, key.secret.value)
    }
}

struct Outcome: Sendable {
    let start: ContinuousClock.Instant
    let end: ContinuousClock.Instant
    let status: Int
    let retryAfter: String?
}

/// Every answer the load got, and when the database was away.
actor OutcomeLog {
    private(set) var outcomes: [Outcome] = []
    private(set) var finished = false
    private var outageStart: ContinuousClock.Instant?
    private var outageEnd: ContinuousClock.Instant?

    var outage: (ContinuousClock.Instant, ContinuousClock.Instant)? {
        guard let outageStart, let outageEnd else { return nil }
        return (outageStart, outageEnd)
    }

    func record(_ outcome: Outcome) { outcomes.append(outcome) }
    func outageStarts() { outageStart = .now }
    func outageEnds() { outageEnd = .now }
    func finish() { finished = true }

    /// The last `count` answers to requests sent after the outage are all 200.
    /// Whether the last `count` answers were 200: since the outage ended, once it began (none before it ended).
    func lastAreOK(_ count: Int) -> Bool {
        let considered: [Outcome]
        if let outageEnd {
            considered = outcomes.filter { $0.start >= outageEnd }
        } else if outageStart == nil {
            considered = outcomes
        } else {
            return false
        }
        return considered.count >= count && considered.suffix(count).allSatisfy { $0.status == 200 }
    }
}
