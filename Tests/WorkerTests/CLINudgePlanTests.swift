import ConcordTestSupport
import Foundation
import Testing

/// `concord nudges plan` (the built executable) runs the planning statement at once and reports what it
/// planned and how long the statement took: the operator's "plan now", and what the planning benchmark times.
@Suite struct CLINudgePlanTests {
    @Test func planNowInsertsTheDueNudgesAndReportsTheTime() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: CLIRecomputeTests.concord.path), "build concord first")
        let f = try await NudgeFixture.make()
        let now = instant("2026-03-18T09:00:00Z")
        let it = try await f.areaWithHead("IT")
        let quality = try await f.areaWithHead("Quality")
        _ = try await f.initiative(
            "ERP", lead: it.area, supporting: [quality.area], createdAt: now.days(-90), lastActivityAt: now.days(-1))
        let database = ["--database-url", f.database.conninfo]

        let bad = try await Command.run(
            CLIRecomputeTests.concord.path, ["nudges", "plan", "--at", "yesterday"] + database)
        #expect(bad.status != 0)
        #expect(bad.output.contains("--at: 'yesterday' is not an ISO 8601 instant"))

        let arguments = ["nudges", "plan", "--org", f.orgID.uuidString, "--at", "2026-03-18T09:00:00Z"] + database
        let (status, output) = try await Command.run(CLIRecomputeTests.concord.path, arguments)
        #expect(status == 0, "\(output)")
        let fields = output.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\t")
        #expect(fields.count == 4)
        #expect(fields.first == f.orgID.uuidString)
        #expect(fields.dropFirst().first == "planned 2")
        #expect(fields.last?.hasSuffix(" ms") == true)
        #expect(try await f.nudges().count == 2)

        // Planning again at the same instant adds nothing: the once-per-period key.
        let again = try await Command.run(CLIRecomputeTests.concord.path, arguments)
        #expect(again.output.contains("\tplanned 0\t-\t"))
    }
}
