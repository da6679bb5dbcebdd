import Foundation
import LocalPostgres
import Migrations
import PQ

/// The PostgreSQL server the tests run against: `CONCORD_TEST_DATABASE_URL` (a superuser conninfo) when
/// set, otherwise a throwaway cluster started once per test process and stopped when the process exits.
/// Each test gets its own database, cloned from a migrated template, so tests never see each other's rows.
public actor TestDatabase {
    public static let shared = TestDatabase()

    private var cluster: LocalPostgres?
    /// One start of the server, however many tests ask at once (the actor is reentrant at `await`).
    private var server: Task<String, any Error>?
    /// One migration of the template, however many tests ask at once (the actor is reentrant at `await`).
    private var template: Task<Void, any Error>?
    private var counter = 0

    /// A fresh database: migrated (from the template) unless `migrated` is false.
    public func create(migrated: Bool = true) async throws -> Database {
        let server = try await startServer()
        if migrated {
            if template == nil {
                template = Task { try await Self.makeTemplate(server) }
            }
            try await template!.value
        }
        counter += 1
        let name = "t_\(ProcessInfo.processInfo.processIdentifier)_\(counter)"
        let admin = try await Connection.connect(Self.conninfo(server, database: "postgres"))
        // Database names are identifiers, not values: this one is made here from digits and letters only.
        try await admin.simpleQuery(
            migrated ? "CREATE DATABASE \(name) TEMPLATE concord_template" : "CREATE DATABASE \(name)")
        await admin.close()
        return Database(name: name, server: server, cluster: cluster)
    }

    /// The local cluster, for tests that restart the server or need its programs.
    public func localCluster() async throws -> LocalPostgres? {
        _ = try await startServer()
        return cluster
    }

    private func startServer() async throws -> String {
        if server == nil {
            server = Task {
                if let url = ProcessInfo.processInfo.environment["CONCORD_TEST_DATABASE_URL"], !url.isEmpty {
                    return url
                }
                // Every test runs at once, each with its pools, psql and Python clients: 200 slots ran out.
                let started = try await LocalPostgres.start(
                    settings: ["max_connections": "1000"], passwordRoles: [Self.passwordCheckRole])
                TestClusterRegistry.register(started)
                self.cluster = started
                return started.conninfo()
            }
        }
        return try await server!.value
    }

    /// A role that must log in with a password over TCP, for the wrong-password test.
    public static let passwordCheckRole = "pq_password_check"

    private static func makeTemplate(_ server: String) async throws {
        let admin = try await Connection.connect(Self.conninfo(server, database: "postgres"))
        try await admin.simpleQuery("DROP DATABASE IF EXISTS concord_template")
        try await admin.simpleQuery("CREATE DATABASE concord_template")
        try await Migrator(sqlDirectory: Self.sqlDirectory).migrate(
            conninfo: Self.conninfo(server, database: "concord_template"))
        await admin.close()
    }

    /// The repository's `sql/` folder, found from this source file's place in the tree.
    public static var sqlDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sql")
    }

    static func conninfo(_ server: String, database: String, user: String? = nil) -> String {
        var text = server + " dbname=\(database)"
        if let user { text += " user=\(user)" }
        return text
    }
}

/// One test's database.
public struct Database: Sendable {
    public let name: String
    let server: String
    public let cluster: LocalPostgres?

    /// Connection string as the superuser (who owns the tables and bypasses row-level security).
    public var conninfo: String { TestDatabase.conninfo(server, database: name) }

    /// Connection string as another role, e.g. `concord_api`.
    public func conninfo(user: String) -> String { TestDatabase.conninfo(server, database: name, user: user) }

    public func pool(user: String? = nil, maxConnections: Int = 4) -> ConnectionPool {
        ConnectionPool(
            PoolConfiguration(
                conninfo: user.map { conninfo(user: $0) } ?? conninfo, maxConnections: maxConnections))
    }
}

/// Stops the clusters this process started when it exits, so no server outlives the test run.
enum TestClusterRegistry {
    nonisolated(unsafe) private static var clusters: [LocalPostgres] = []
    private static let lock = NSLock()
    private static let installHook: Void = {
        atexit {
            TestClusterRegistry.lock.withLock { TestClusterRegistry.clusters }.forEach { $0.stop() }
        }
    }()

    static func register(_ cluster: LocalPostgres) {
        _ = installHook
        lock.withLock { clusters.append(cluster) }
    }
}
