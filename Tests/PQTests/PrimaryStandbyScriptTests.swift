import ConcordTestSupport
import Foundation
import LocalPostgres
import PQ
import Testing

/// `deploy/primary-standby` as a user runs it: a primary and a streaming standby on loopback ports, and
/// printed connection strings that find the writable server (API, worker) and the standby (BI).
@Suite struct PrimaryStandbyScriptTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/primary-standby").path

    @Test(.timeLimit(.minutes(2)))
    func startsAStreamingStandbyAndPrintsURLsForBothRoles() async throws {
        // Needs server programs of its own; with an external test server there may be none.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("concord-replica-\(UUID())").path
        let ports = [
            "CONCORD_PRIMARY_PORT=\(try LocalPostgres.freePort())",
            "CONCORD_STANDBY_PORT=\(try LocalPostgres.freePort())",
        ]
        defer { _ = try? LocalPostgres.run("/usr/bin/env", ["bash", Self.script, "stop", dir]) }
        _ = try LocalPostgres.run("/usr/bin/env", ports + ["bash", Self.script, "start", dir])

        let urls = try Self.exports(String(contentsOfFile: dir + "/urls.env", encoding: .utf8))
        let writable = try #require(urls["CONCORD_DATABASE_URL"])
        #expect(writable.contains("target_session_attrs=read-write"))
        #expect(urls["CONCORD_API_DATABASE_URL"]?.contains("user=concord_api") == true)
        #expect(urls["CONCORD_WORKER_DATABASE_URL"]?.contains("user=concord_worker") == true)
        let reading = try #require(urls["CONCORD_BI_DATABASE_URL"])
        #expect(reading.contains("target_session_attrs=prefer-standby"))

        let primary = try await Connection.connect(writable)
        defer { Task { await primary.close() } }
        #expect(try await primary.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self) == false)
        try await primary.simpleQuery("CREATE TABLE marks (id int PRIMARY KEY); INSERT INTO marks VALUES (1)")

        let standby = try await Connection.connect(reading)
        defer { Task { await standby.close() } }
        #expect(try await standby.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self) == true)
        // Synchronous commit waits for the standby's flush; replay follows a moment later.
        var seen = 0
        for _ in 0..<50 where seen == 0 {
            seen =
                (try? await standby.query("SELECT count(*)::int FROM marks")[0].decode(0, as: Int.self)) ?? 0
            if seen == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(seen == 1)
        let sync = try await primary.query("SELECT sync_state FROM pg_stat_replication")
        #expect(try sync.map { try $0.decode(0, as: String.self) } == ["sync"])
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
