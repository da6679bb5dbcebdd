import ConcordStore
import ConcordTestSupport
import Foundation
import Testing

/// `concord bi` as an operator runs it (the built executable), and the committed data dictionary.
@Suite struct BICommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var concord: String { root.appendingPathComponent(".build/debug/concord").path }

    @Test func grantShowsAGeneratedPasswordOnceAndRevokeDropsTheLogin() async throws {
        // `swift build --build-tests` (the test command) builds the executable next to the tests.
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord), "build concord first")
        let fixture = try await BIFixture.make()
        let role = try BIFixture.uniqueRole("bi_cli").value
        let url = ["--database-url", fixture.database.conninfo]
        let created = try await Command.run(
            Self.concord, ["bi", "grant", role, "--org", BIFixture.orgA.uuidString, "--statement-timeout", "5"] + url)
        #expect(created.status == 0, "\(created.output)")
        #expect(created.output.contains("created BI login \(role)"))
        #expect(created.output.contains("password (shown once): "))
        let extended = try await Command.run(
            Self.concord, ["bi", "grant", role, "--org", BIFixture.orgB.uuidString] + url)
        #expect(extended.output.contains("updated BI login \(role)"))
        #expect(!extended.output.contains("password"), "an existing login keeps its password, never shown again")

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bi-\(UUID()).txt")
        try "short\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let weak = try await Command.run(
            Self.concord, ["bi", "grant", role, "--org", BIFixture.orgA.uuidString, "--password-file", file.path] + url)
        #expect(weak.status != 0)
        #expect(weak.output.contains("\(file.path):1: the password must be at least 12 characters"), "\(weak.output)")
        let unsafe = try await Command.run(Self.concord, ["bi", "grant", "x\";drop", "--all-organisations"] + url)
        #expect(unsafe.status != 0)
        #expect(unsafe.output.contains("invalid BI role name"), "\(unsafe.output)")

        let dropped = try await Command.run(Self.concord, ["bi", "revoke", role] + url)
        #expect(dropped.status == 0, "\(dropped.output)")
        #expect(dropped.output.contains("dropped BI login \(role)"))
        #expect(try await fixture.value("SELECT count(*)::text FROM pg_roles WHERE rolname = \(role)::name") == "0")
    }

    @Test func committedDictionaryIsTheOneTheDatabaseGenerates() async throws {
        let database = try await TestDatabase.shared.create()
        let generated = try await BIDataDictionary.read(database.pool(maxConnections: 1)).markdown
        let committed = try String(
            contentsOf: Self.root.appendingPathComponent("sql/views/DICTIONARY.md"), encoding: .utf8)
        #expect(generated == committed, "regenerate it: concord bi dictionary > sql/views/DICTIONARY.md")
        #expect(generated.contains("## bi.nudge_activity"))
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord), "build concord first")
        let printed = try await Command.run(Self.concord, ["bi", "dictionary", "--database-url", database.conninfo])
        #expect(printed.status == 0)
        #expect(printed.output == generated, "concord bi dictionary prints the same")
    }
}
