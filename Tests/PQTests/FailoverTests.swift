import ConcordTestSupport
import Foundation
import LocalPostgres
import PQ
import Testing

/// A primary with a synchronous streaming standby, a pool on a multi-host connection string, the primary
/// lost, the standby promoted: the pool writes to the new primary and every acknowledged write is there.
@Suite struct FailoverTests {
    @Test(.timeLimit(.minutes(4)))
    func thePoolFollowsAPromotedStandbyAndLosesNoAcknowledgedWrite() async throws {
        // Needs clusters of its own; with an external test server there is nothing to fail over.
        guard try await TestDatabase.shared.localCluster() != nil else { return }
        // Test clusters commit asynchronously for speed; a failover test needs commits that wait.
        let primary = try await LocalPostgres.start(settings: ["synchronous_commit": "on"])
        defer { primary.stop() }
        let standby = try await primary.startStandby()
        defer { standby.stop() }
        try primary.appendSettings(["synchronous_standby_names": "'*'"])
        try await primary.reload()
        let admin = try await Connection.connect(primary.tcpConninfo())
        try await admin.simpleQuery("CREATE TABLE events (id int PRIMARY KEY)")
        // Only once the standby confirms commits synchronously is an acknowledged write on both servers.
        var synchronous = false
        for _ in 0..<100 where !synchronous {
            let states = try await admin.query("SELECT sync_state FROM pg_stat_replication").map {
                try $0.decode(0, as: String.self)
            }
            synchronous = states.contains("sync")
            if !synchronous { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(synchronous)
        await admin.close()

        let conninfo =
            "host=127.0.0.1,127.0.0.1 port=\(primary.port),\(standby.port) dbname=postgres user=postgres "
            + "target_session_attrs=read-write connect_timeout=2"
        let pool = ConnectionPool(PoolConfiguration(conninfo: conninfo, maxConnections: 2))
        var acknowledged: [Int] = []
        for id in 1...50 {
            _ = try await pool.withTransaction { try await $0.execute("INSERT INTO events VALUES (\(id))") }
            acknowledged.append(id)
        }

        primary.stop()
        try await standby.promote()

        // The first attempt may meet the dead connection; the pool replaces it and libpq picks the new primary.
        for id in 51...100 {
            var written = false
            for _ in 0..<20 where !written {
                do {
                    _ = try await pool.withTransaction { try await $0.execute("INSERT INTO events VALUES (\(id))") }
                    written = true
                } catch let error as PostgresError
                    where error.kind == .connectionLost || error.kind == .connectionFailed
                {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            if written { acknowledged.append(id) }
        }
        #expect(acknowledged.count == 100)
        let stored = try await pool.withConnection { connection in
            try await connection.query("SELECT id FROM events ORDER BY id").map { try $0.decode(0, as: Int.self) }
        }
        #expect(stored == acknowledged)
        let port = try await pool.withConnection {
            try await $0.query("SELECT inet_server_port()")[0].decode(0, as: Int.self)
        }
        #expect(port == standby.port)
        await pool.close()
    }
}
