import ConcordQueue
import ConcordStore
import ConcordTestSupport
import Foundation
import Testing

/// The operator's `concord roi recompute` (the built executable, as an operator runs it) queues a full
/// recompute that the worker's ROI handler understands.
@Suite struct CLIRecomputeTests {
    static var concord: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/concord")
    }

    @Test func recomputeQueuesAFullRecomputeJob() async throws {
        // `swift build --build-tests` (the test command) builds the executable next to the tests.
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord.path), "build concord first")
        let database = try await TestDatabase.shared.create()
        let bad = try await Command.run(
            Self.concord.path, ["roi", "recompute", "--org", "nope", "--database-url", database.conninfo])
        #expect(bad.status != 0)
        #expect(bad.output.contains("not a UUID"))
        let (status, output) = try await Command.run(
            Self.concord.path, ["roi", "recompute", "--database-url", database.conninfo])
        #expect(status == 0, "\(output)")
        let jobs = try await JobQueue(pool: database.pool()).jobs(JobFilter(kind: ROIRecomputeJob.kind))
        #expect(jobs.count == 1)
        let args = try jobs[0].decodeArgs(ROIRecomputeJob.Args.self)
        #expect(args.recomputeAll)
        #expect(args.orgID == nil)
    }
}
