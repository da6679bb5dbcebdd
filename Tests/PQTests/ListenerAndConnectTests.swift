import ConcordTestSupport
import Foundation
import PQ
import Testing

@Suite struct ListenerTests {
    @Test func aNotificationArrivesAfterTheListeningConnectionWasKilled() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let listener = NotificationListener(conninfo: database.conninfo, channels: ["jobs", "Mixed Case"])
        var events = listener.events().makeAsyncIterator()
        #expect(await events.next() == .listening)
        let sender = try await Connection.connect(database.conninfo)
        try await sender.query("SELECT pg_notify('jobs', \("first"))")
        #expect(await events.next() == .notification(channel: "jobs", payload: "first"))

        try await sender.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()"
        )
        #expect(await events.next() == .listening)
        try await sender.query("SELECT pg_notify('Mixed Case', \("after reconnect"))")
        #expect(await events.next() == .notification(channel: "Mixed Case", payload: "after reconnect"))
    }
}

@Suite struct ConnectErrorTests {
    @Test func aMalformedURLSaysSo() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await Connection.connect("postgres://user@host:notaport/db?bogus_option=1")
        }
        #expect(error?.kind == .invalidConnectionString)
        #expect(error?.message.contains("malformed") == true)
    }

    @Test func anUnreachableServerSaysSo() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await Connection.connect("host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2")
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("unreachable") == true)
    }

    @Test func aWrongPasswordSaysSo() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let database = try await TestDatabase.shared.create(migrated: false)
        let admin = try await Connection.connect(database.conninfo)
        let role = TestDatabase.passwordCheckRole
        try await admin.simpleQuery(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(role)') THEN "
                + "CREATE ROLE \(role) LOGIN PASSWORD 'right-password'; END IF; END $$")
        let error = await #expect(throws: PostgresError.self) {
            try await Connection.connect(
                "postgresql://\(role):wrong-password@127.0.0.1:\(cluster.port)/\(database.name)")
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("wrong password") == true)
        let ok = try await Connection.connect(
            "postgresql://\(role):right-password@127.0.0.1:\(cluster.port)/\(database.name)")
        #expect(try await ok.query("SELECT current_user::text")[0].decode(0, as: String.self) == role)
    }
}
