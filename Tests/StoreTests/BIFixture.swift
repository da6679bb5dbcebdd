import ConcordStore
import ConcordTestSupport
import Foundation
import PQ

/// A migrated database seeded with the pgTAP fixture's two organisations (rows in every table, so every
/// bi view has rows of both), and helpers to act as a BI login.
struct BIFixture {
    static let orgA = UUID(uuidString: "aaaaaaaa-0000-4000-8000-00000000000a")!
    static let orgB = UUID(uuidString: "bbbbbbbb-0000-4000-8000-00000000000b")!

    let database: Database
    let access: BIAccess

    static func make() async throws -> BIFixture {
        let database = try await TestDatabase.shared.create()
        let fixture = TestDatabase.sqlDirectory.appendingPathComponent("tests/fixtures/two_orgs.psql").path
        try await Command.check(
            "/usr/bin/env", ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database.conninfo, "-f", fixture])
        return BIFixture(database: database, access: BIAccess(pool: database.pool(maxConnections: 1)))
    }

    /// Roles are shared by every database of the cluster: each test names its own.
    static func uniqueRole(_ prefix: String) throws -> BIRoleName {
        try BIRoleName("\(prefix)_" + UUID().uuidString.prefix(8).lowercased())
    }

    /// Runs one statement through psql as the login; the output carries the SQLSTATE of an error.
    func psql(as role: BIRoleName, _ statement: String) async throws -> (status: Int32, output: String) {
        try await Command.run(
            "/usr/bin/env",
            [
                "psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-v", "VERBOSITY=verbose",
                "-d", database.conninfo(user: role.value), "-c", statement,
            ])
    }

    /// One value read as the superuser.
    func value(_ statement: SQL) async throws -> String {
        try await database.pool(maxConnections: 1).withConnection { connection in
            try await connection.query(statement)[0].decode(0, as: String.self)
        }
    }

    /// The bi views and their columns with their types, as the catalog has them.
    func catalogViews() async throws -> [String: [[String]]] {
        let rows = try await database.pool(maxConnections: 1).withConnection { connection in
            try await connection.query(
                """
                SELECT c.relname::text, a.attname::text,
                       -- SQLAlchemy writes NUMERIC(5, 2) where the catalog has numeric(5,2)
                       replace(upper(format_type(a.atttypid, a.atttypmod)), ',', ', ')
                FROM pg_class AS c
                JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                WHERE c.relnamespace = 'bi'::regnamespace AND c.relkind = 'v'
                ORDER BY c.relname, a.attnum
                """)
        }
        var views: [String: [[String]]] = [:]
        for row in rows {
            let (view, column, type) = try row.decode((String, String, String).self)
            views[view, default: []].append([column, type])
        }
        return views
    }
}
