import ConcordTestSupport
import Foundation
import Testing

/// Runs every pgTAP file in `sql/tests` against a freshly migrated database.
///
/// The files end with `finish(true)`, which raises when any assertion failed, so psql's exit status
/// carries the verdict; the TAP output is attached to the failure.
@Suite struct PgTAPSuiteTests {
    static var files: [String] {
        let folder = TestDatabase.sqlDirectory.appendingPathComponent("tests")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".sql") }.sorted()
    }

    @Test(arguments: files)
    func pgTAPFilePasses(_ file: String) async throws {
        let database = try await TestDatabase.shared.create()
        let path = TestDatabase.sqlDirectory.appendingPathComponent("tests").appendingPathComponent(file).path
        let (status, output) = try await Psql.run(conninfo: database.conninfo, file: path)
        #expect(status == 0, "\(file):\n\(output)")
        #expect(output.contains("ok "), "no TAP assertions ran in \(file)")
        #expect(!output.contains("not ok"), "\(file):\n\(output)")
    }
}
