import ConcordAPI
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

/// A primary and a synchronous standby from `deploy/primary-standby`, the API on the read-write URL it
/// prints, writes under way: the primary is stopped and the standby promoted. The API answers 503 with
/// `Retry-After` meanwhile, then writes again without a restart, and every acknowledged write is on the new
/// primary; the prefer-standby URL (BI) reaches the standby while there is one.
@Suite struct FailoverAPITests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/primary-standby").path

    @Test(.timeLimit(.minutes(4)))
    func theAPIFollowsAPromotedStandbyAndLosesNoAcknowledgedWrite() async throws {
        // Needs server programs of its own; with an external test server there may be none.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-replica-\(UUID())").path
        let ports = [
            "CONCORD_PRIMARY_PORT=\(try LocalPostgres.freePort())",
            "CONCORD_STANDBY_PORT=\(try LocalPostgres.freePort())",
        ]
        @Sendable func script(_ command: String) async throws {
            _ = try await LocalPostgres.run("/usr/bin/env", ports + ["bash", Self.script, command, dir])
        }
        // The servers are stopped whether or not the test gets through; `defer` cannot await.
        try await withCleanup {
            try await script("start")
            let urls = Self.exports(try String(contentsOfFile: dir + "/urls.env", encoding: .utf8))
            let owner = try #require(urls["CONCORD_DATABASE_URL"])
            let api = try #require(urls["CONCORD_API_DATABASE_URL"])
            let bi = try #require(urls["CONCORD_BI_DATABASE_URL"])
            #expect(
                owner.contains("target_session_attrs=read-write") && bi.contains("target_session_attrs=prefer-standby"))
            try await Migrator(sqlDirectory: TestDatabase.sqlDirectory).migrate(conninfo: owner)
            let (org, key) = try await DatabaseOutageTests.provision(owner)
            #expect(try await Self.inRecovery(bi) == true, "the BI URL reaches the standby")

            let pool = ConnectionPool(PoolConfiguration(conninfo: api, maxConnections: 4))
            let app = DatabaseOutageTests.application(on: pool)
            let log = OutcomeLog()
            let acknowledged = AcknowledgedNames()
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for writer in 0..<2 {
                        group.addTask {
                            try await TestClient.withClient(
                                host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(60))
                            ) { client in
                                var counter = 0
                                while await !log.finished {
                                    counter += 1
                                    let name = "w\(writer)-\(counter)"
                                    var headers = HTTPFields()
                                    headers[.authorization] = "Bearer \(key)"
                                    headers[.contentType] = "application/json"
                                    let start = ContinuousClock.now
                                    let response = try await client.execute(
                                        TestClient.Request(
                                            "/v1/orgs/\(org)/areas", method: .post, headers: headers,
                                            body: ByteBuffer(string: #"{"name":"\#(name)"}"#)))
                                    if response.status == .created { await acknowledged.add(name) }
                                    await log.record(
                                        Outcome(
                                            start: start, end: .now, status: response.status.code,
                                            retryAfter: response.headers[.retryAfter]))
                                }
                            }
                        }
                    }
                    try await Task.sleep(for: .milliseconds(500))
                    await log.outageStarts()
                    try await script("stop-primary")
                    // Long enough that writers slowed by a busy machine still start requests without a primary
                    // (a 1 s window once saw only requests that waited through it and succeeded after).
                    try await Task.sleep(for: .seconds(6))
                    try await script("promote")
                    await log.outageEnds()
                    for _ in 0..<450 where await !log.lastAreCreated(10) {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    await log.finish()
                    try await group.waitForAll()
                }
            }
            await pool.close()

            let outcomes = await log.outcomes
            let (outageStart, outageEnd) = try #require(await log.outage)
            #expect(outcomes.filter { $0.end < outageStart }.allSatisfy { $0.status == 201 })
            // Requests in flight at any moment without a primary: on a busy machine a refusal can take longer than
            // the whole window, so a writer may start none inside it.
            let down = outcomes.filter { $0.start < outageEnd && $0.end > outageStart }
            #expect(
                down.contains { $0.status == 503 },
                "no 503 while there was no primary: \(outcomes.suffix(40).map { "\($0.status) \($0.end - $0.start)" })")
            #expect(down.filter { $0.status == 503 }.allSatisfy { $0.retryAfter == Problem.retryAfterSeconds })
            // No request may outlast what the pool and the URL bound (a starved machine can take over 10 s to refuse).
            let slowest = try #require(down.max { $0.end - $0.start < $1.end - $1.start })
            #expect(
                slowest.end - slowest.start < FailoverBound.longestRequest,
                "a request waited \(slowest.end - slowest.start) while there was no primary (status \(slowest.status))")
            #expect(await log.lastAreCreated(10), "no writes after the promotion: \(outcomes.suffix(10).map(\.status))")

            // Synchronous replication: every write the API acknowledged is on the promoted standby.
            let written = await acknowledged.names
            let connection = try await Connection.connect(owner)
            defer { Task { await connection.close() } }
            #expect(try await connection.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self) == false)
            let stored = Set(
                try await connection.query("SELECT name FROM areas WHERE org_id = \(org)::uuid").map {
                    try $0.decode(0, as: String.self)
                })
            #expect(written.count > 10)
            #expect(written.subtracting(stored).isEmpty, "acknowledged but lost: \(written.subtracting(stored))")
        } cleanup: {
            _ = try? await script("stop")
        }
    }

    static func inRecovery(_ conninfo: String) async throws -> Bool {
        let connection = try await Connection.connect(conninfo)
        defer { Task { await connection.close() } }
        return try await connection.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self)
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

/// Names of the areas the API answered 201 for.
actor AcknowledgedNames {
    private(set) var names: Set<String> = []
    func add(_ name: String) { names.insert(name) }
}

extension OutcomeLog {
    /// The last `count` answers to requests sent after the outage are all 201.
    func lastAreCreated(_ count: Int) -> Bool {
        guard let (_, end) = outage else { return false }
        let after = outcomes.filter { $0.start >= end }
        return after.count >= count && after.suffix(count).allSatisfy { $0.status == 201 }
    }
}
