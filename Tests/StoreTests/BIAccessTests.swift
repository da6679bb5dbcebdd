import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// BI logins made by BIAccess, used the way BI tools use them: through psql (plain libpq) and through
/// psycopg with SQLAlchemy's introspection.
@Suite struct BIAccessTests {
    @Test func oneOrganisationsLoginReadsItsBIRowsOnlyAndNothingElse() async throws {
        let fixture = try await BIFixture.make()
        let role = try BIFixture.uniqueRole("bi_one")
        let grant = try await fixture.access.grant(
            role: role, organisations: .listed([BIFixture.orgA]), password: .generatedForNewLogin,
            // Long enough that a loaded machine runs the checks below inside it; the sleep overruns it.
            limits: try BILoginLimits(statementTimeoutSeconds: 3, connectionLimit: 3))
        #expect(grant.created)
        #expect(grant.organisations == [BIFixture.orgA])
        #expect(grant.generatedPassword?.count == 32)

        let settings = try await fixture.value(
            """
            SELECT r.rolcanlogin || ' ' || r.rolconnlimit || ' ' || array_to_string(r.rolconfig, ',') || ' '
                   || pg_has_role(r.oid, 'concord_bi', 'MEMBER') || ' ' || (a.rolpassword LIKE 'SCRAM-SHA-256$%')
            FROM pg_roles AS r JOIN pg_authid AS a ON a.oid = r.oid WHERE r.rolname = \(role.value)::name
            """)
        #expect(
            settings == "true 3 statement_timeout=3s,default_transaction_read_only=on,search_path=bi true true",
            "the login is limited, read-only, in concord_bi, and its password stored as a SCRAM verifier")

        // Every bi view has rows of both organisations; the login sees A's rows only.
        let views = try await fixture.catalogViews().keys.sorted()
        let counts = views.map {
            "SELECT count(*) FILTER (WHERE org_id <> '\(BIFixture.orgA)') AS other, count(*) AS mine FROM bi.\($0)"
        }
        let seen = try await fixture.psql(
            as: role,
            "SELECT string_agg(other || '/' || sign(mine), ',') FROM (\(counts.joined(separator: " UNION ALL "))) AS c")
        #expect(seen.status == 0, "\(seen.output)")
        #expect(
            seen.output.trimmingCharacters(in: .whitespacesAndNewlines)
                == Array(repeating: "0/1", count: views.count).joined(separator: ","),
            "no row of another organisation in any of \(views), and rows of its own in each")

        let viewWrite = try await fixture.psql(as: role, "DELETE FROM bi.initiatives")
        #expect(viewWrite.status != 0 && viewWrite.output.contains("ERROR"), "\(viewWrite.output)")
        let readOnly = try await fixture.psql(as: role, "CREATE TEMP TABLE scratch (a integer)")
        #expect(readOnly.status != 0 && readOnly.output.contains("25006"), "sessions are read-only: \(readOnly.output)")
        let tableWrite = try await fixture.psql(
            as: role, "SET default_transaction_read_only = off; UPDATE public.organisations SET name = name")
        #expect(tableWrite.status != 0 && tableWrite.output.contains("42501"), "\(tableWrite.output)")
        let baseTable = try await fixture.psql(as: role, "SELECT count(*) FROM public.initiatives")
        #expect(
            baseTable.status != 0 && baseTable.output.contains("permission denied for schema public"),
            "\(baseTable.output)")
        let grants = try await fixture.psql(as: role, "SELECT count(*) FROM auth.bi_role_grants")
        #expect(grants.status != 0 && grants.output.contains("42501"), "\(grants.output)")
        let slow = try await fixture.psql(as: role, "SELECT pg_sleep(3.5)")
        #expect(slow.status != 0 && slow.output.contains("57014"), "the statement timeout cancels: \(slow.output)")

        #expect(try await fixture.access.revoke(role: role))
        #expect(
            try await fixture.value("SELECT count(*)::text FROM pg_roles WHERE rolname = \(role.value)::name") == "0")
        #expect(
            try await fixture.value(
                "SELECT count(*)::text FROM auth.bi_role_grants WHERE role_name = \(role.value)::name") == "0")
    }

    @Test func portfolioLoginSeesEveryOrganisationUntilEachIsRevoked() async throws {
        let fixture = try await BIFixture.make()
        let role = try BIFixture.uniqueRole("bi_portfolio")
        let limits = try BILoginLimits()
        let grant = try await fixture.access.grant(
            role: role, organisations: .allActive, password: .given("portfolio-secret-1"), limits: limits)
        #expect(grant.organisations == [BIFixture.orgA, BIFixture.orgB])
        #expect(grant.generatedPassword == nil)
        let both = try await fixture.psql(as: role, "SELECT count(*) FROM bi.portfolio")
        #expect(both.output.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(both.output)")

        // Granting again extends the login and keeps its password.
        let again = try await fixture.access.grant(
            role: role, organisations: .listed([BIFixture.orgA]), password: .generatedForNewLogin, limits: limits)
        #expect(!again.created && again.generatedPassword == nil)

        #expect(try await fixture.access.revoke(role: role, organisations: [BIFixture.orgA]) == false)
        let one = try await fixture.psql(as: role, "SELECT string_agg(org_id::text, ',') FROM bi.portfolio")
        #expect(one.output.trimmingCharacters(in: .whitespacesAndNewlines) == BIFixture.orgB.uuidString.lowercased())
        #expect(try await fixture.access.revoke(role: role, organisations: [BIFixture.orgB]))
        #expect(
            try await fixture.value("SELECT count(*)::text FROM pg_roles WHERE rolname = \(role.value)::name") == "0")
    }

    @Test func unsafeNamesForeignRolesAndUnknownOrganisationsAreRefused() async throws {
        for bad in ["x; DROP ROLE postgres", "Robert", "a\"b", "pg_monitor2", "concord_api", "1abc", ""] {
            #expect(throws: BIAccessError.self, "'\(bad)' is refused") { try BIRoleName(bad) }
        }
        #expect(throws: BIAccessError.self) { try BIRoleName(String(repeating: "a", count: 64)) }

        let fixture = try await BIFixture.make()
        let someonesRole = try BIFixture.uniqueRole("plain")
        try await fixture.database.pool(maxConnections: 1).withConnection { connection in
            try await connection.simpleQuery("CREATE ROLE \(someonesRole.value) LOGIN")
        }
        await #expect(throws: BIAccessError.notABILogin(someonesRole.value)) {
            try await fixture.access.revoke(role: someonesRole)
        }
        await #expect(throws: BIAccessError.notABILogin(someonesRole.value)) {
            try await fixture.access.grant(
                role: someonesRole, organisations: .allActive, password: .generatedForNewLogin,
                limits: try BILoginLimits())
        }
        #expect(
            try await fixture.value("SELECT count(*)::text FROM pg_roles WHERE rolname = \(someonesRole.value)::name")
                == "1", "a role that is not a BI login is left alone")
        // Roles outlive the test's database (they belong to the cluster).
        try await fixture.database.pool(maxConnections: 1).withConnection { connection in
            try await connection.simpleQuery("DROP ROLE \(someonesRole.value)")
        }

        let unknown = UUID()
        let role = try BIFixture.uniqueRole("bi_unknown")
        await #expect(throws: BIAccessError.unknownOrganisations([unknown])) {
            try await fixture.access.grant(
                role: role, organisations: .listed([BIFixture.orgA, unknown]), password: .generatedForNewLogin,
                limits: try BILoginLimits())
        }
        #expect(
            try await fixture.value("SELECT count(*)::text FROM pg_roles WHERE rolname = \(role.value)::name") == "0",
            "a refused grant creates no role")
        #expect(throws: BIAccessError.self) { try BILoginLimits(statementTimeoutSeconds: 0) }
        #expect(throws: BIAccessError.self) { try BILoginLimits(connectionLimit: 1000) }
    }

    @Test func psycopgAndSQLAlchemySeeTheBIViewsOfTheirOrganisationOnly() async throws {
        let fixture = try await BIFixture.make()
        let role = try BIFixture.uniqueRole("bi_python")
        _ = try await fixture.access.grant(
            role: role, organisations: .listed([BIFixture.orgB]), password: .generatedForNewLogin,
            // SQLAlchemy's catalog queries must fit in it on a loaded machine; the script's sleep overruns it.
            limits: try BILoginLimits(statementTimeoutSeconds: 3))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/bi_client_check.py").path
        let (status, output) = try await Command.run(
            "/usr/bin/env", ["python3", script, fixture.database.conninfo(user: role.value), "3.5"])
        try #require(status == 0, "\(output)")
        struct Report: Decodable {
            var views: [String: [[String]]]
            var organisations: [String]
            var errors: [String: String?]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(output.utf8))
        let catalog = try await fixture.catalogViews()
        let differing = Set(report.views.keys).union(catalog.keys).filter { report.views[$0] != catalog[$0] }
        #expect(
            report.views == catalog,
            """
            every bi view, with its columns and types; Python saw, catalog has: \(differing.sorted().map {
                "\($0): \(report.views[$0] ?? []) / \(catalog[$0] ?? [])"
            })
            """)
        #expect(report.organisations == [BIFixture.orgB.uuidString.lowercased()])
        #expect(report.errors["write_view"] ?? nil != nil, "the login cannot write through a view")
        #expect(report.errors["write_base_table"] == "42501", "the login cannot write the tables")
        #expect(report.errors["read_base_table"] == "42501", "the login cannot read the tables under the views")
        #expect(report.errors["sleep_past_timeout"] == "57014", "the statement timeout cancels the query")
        try await fixture.access.revoke(role: role)
    }
}
