import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// The operator's commands through the built executable: provisioning an organisation in one transaction,
/// archiving it, and importing a spreadsheet with every problem reported as FILE:LINE: column NAME.
@Suite struct CLIOperationsTests {
    static var concord: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/concord").path
    }

    func run(_ arguments: [String], _ database: Database) async throws -> (status: Int32, output: String) {
        try await Command.run(Self.concord, arguments + ["--database-url", database.conninfo])
    }

    func value(_ sql: SQL, _ database: Database) async throws -> String? {
        let connection = try await Connection.connect(database.conninfo)
        defer { Task { await connection.close() } }
        return try await connection.query(sql).first?.decode(0, as: String?.self)
    }

    @Test func orgCreateProvisionsSettingsAndAKeyShownOnce() async throws {
        // `swift build --build-tests` (the test command) builds the executable next to the tests.
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord), "build concord first")
        let database = try await TestDatabase.shared.create()
        let created = try await run(
            [
                "org", "create", "--name", "Acme Corp", "--slug", "acme", "--timezone", "Europe/Berlin",
                "--working-days", "1,2,3,4", "--quiet-hours", "19:00-07:30", "--weekly-cap", "3",
                "--revisit-cadence-days", "21", "--quiet-after-days", "10",
            ], database)
        #expect(created.status == 0, "\(created.output)")
        let line = try #require(
            created.output.split(separator: "\n").first { $0.hasPrefix("admin key secret (shown once): ") })
        let secret = APIKeySecret(String(line.split(separator: " ").last ?? ""))
        let settings = try await value(
            """
            SELECT concat_ws('|', timezone, working_days::text, quiet_hours_start::text, quiet_hours_end::text,
                             nudge_weekly_cap, revisit_cadence_days, quiet_after_days)
            FROM organisations WHERE slug = 'acme'
            """, database)
        #expect(settings == "Europe/Berlin|{1,2,3,4}|19:00:00|07:30:00|3|21|10")
        let pool = database.pool()
        let key = try #require(try await KeyDirectory(pool: pool).authenticate(secret))
        #expect(key.scopes == [.admin] && key.kind == .organisation && !key.revoked)
        #expect(try await value("SELECT count(*)::text FROM auth.principals", database) == "1")

        // A second organisation with the same slug, or a bad time zone, leaves nothing behind.
        let taken = try await run(["org", "create", "--name", "Other", "--slug", "acme"], database)
        #expect(taken.status != 0 && taken.output.contains("organisations_slug_unique"), "\(taken.output)")
        let badZone = try await run(
            ["org", "create", "--name", "Z", "--slug", "zed", "--timezone", "Mars/Base"], database)
        #expect(badZone.status != 0 && badZone.output.contains("organisations_timezone_valid"), "\(badZone.output)")
        let badHours = try await run(
            ["org", "create", "--name", "Q", "--slug", "q", "--quiet-hours", "late"], database)
        #expect(badHours.status != 0 && badHours.output.contains("--quiet-hours"))
        #expect(try await value("SELECT count(*)::text FROM organisations", database) == "1")
        #expect(try await value("SELECT count(*)::text FROM auth.principals", database) == "1")
        #expect(try await value("SELECT count(*)::text FROM auth.api_keys", database) == "1")

        // Archived: the key reads as revoked, the audit log keeps the organisation and its archiving.
        let archived = try await run(["org", "archive", "acme"], database)
        #expect(archived.status == 0, "\(archived.output)")
        let after = try #require(try await KeyDirectory(pool: pool).authenticate(secret))
        #expect(after.revoked)
        #expect(
            try await value(
                """
                SELECT count(*)::text FROM audit_log
                WHERE table_name = 'organisations' AND operation = 'UPDATE' AND after ->> 'archived_at' IS NOT NULL
                  AND actor = 'cli'
                """, database) == "1")
        let unknown = try await run(["org", "archive", "nobody"], database)
        #expect(unknown.status != 0 && unknown.output.contains("no organisation nobody"))
        await pool.close()
    }

    @Test func orgCreateCanMakeItsBILoginInTheSameTransaction() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord), "build concord first")
        let database = try await TestDatabase.shared.create()
        // Roles belong to the whole cluster, which every test shares: names unique to this run.
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let login = "bi_orgcreate_\(suffix)"
        let created = try await run(
            ["org", "create", "--name", "Beta", "--slug", "beta", "--bi-role", login], database)
        #expect(created.status == 0, "\(created.output)")
        #expect(created.output.contains("created BI login \(login)"), "\(created.output)")
        #expect(created.output.contains("BI password (shown once): "), "\(created.output)")
        let granted = try await value(
            """
            SELECT string_agg(o.slug, ',') FROM auth.bi_role_grants AS g JOIN organisations AS o USING (org_id)
            WHERE g.role_name = \(login)::name
            """, database)
        #expect(granted == "beta", "the login reads the new organisation only")
        #expect(
            try await value("SELECT pg_has_role(\(login)::name, 'concord_bi', 'MEMBER')::text", database) == "true")

        // A role of that name that is not a BI login is left alone, and so no organisation is made either.
        let foreign = "not_bi_\(suffix)"
        let owner = try await Connection.connect(database.conninfo)
        try await owner.execute("CREATE ROLE \(unescaped: foreign)")  // a name made of hex digits above
        await owner.close()
        let refused = try await run(
            ["org", "create", "--name", "Gamma", "--slug", "gamma", "--bi-role", foreign], database)
        #expect(refused.status != 0 && refused.output.contains("is not a BI login"), "\(refused.output)")
        #expect(try await value("SELECT count(*)::text FROM organisations WHERE slug = 'gamma'", database) == "0")
    }

    @Test func importReportsEveryLineAndExportReadsBack() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord), "build concord first")
        let database = try await TestDatabase.shared.create()
        #expect(try await run(["org", "create", "--name", "Acme", "--slug", "acme"], database).status == 0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-csv-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let areas = directory.appendingPathComponent("areas.csv")
        try Data(([0xEF, 0xBB, 0xBF] as [UInt8]) + Array("key,name,parent_key\r\nit,IT,\r\nqa,Quality,it\r\n".utf8))
            .write(to: areas)
        let bad = directory.appendingPathComponent("leaders.csv")
        try Data("key,name,email,area_key\r\nL1,Ann,ann.acme,it\r\nL2,Bob,bob@acme.test,hr\r\n".utf8).write(to: bad)

        let loaded = try await run(["import", "areas", "--org", "acme", areas.path], database)
        #expect(loaded.status == 0 && loaded.output.contains("2 inserted"), "\(loaded.output)")
        let again = try await run(["import", "areas", "--org", "acme", areas.path], database)
        #expect(again.output.contains("0 inserted, 0 updated"), "\(again.output)")
        let refused = try await run(["import", "leaders", "--org", "acme", bad.path], database)
        #expect(refused.status == 1)
        #expect(refused.output.contains("\(bad.path):2: column email: 'ann.acme' is not an email address"))
        #expect(refused.output.contains("\(bad.path):3: column area_key: no area with key hr"))
        #expect(refused.output.contains("2 problem(s); nothing was imported"))
        #expect(try await value("SELECT count(*)::text FROM leaders", database) == "0")

        let exported = try await run(["export", "areas", "--org", "acme"], database)
        #expect(exported.output == "key,name,parent_key\r\nit,IT,\r\nqa,Quality,it\r\n")
    }
}
