import ConcordTestSupport
import Foundation
import Testing

/// `PQ_REACTORS` sets how many reactor threads a process runs (one per core without it); a bad value stops
/// the process at its first connection with a message naming the variable, as the other settings do.
@Suite struct ReactorCountTests {
    static let concord = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/concord")

    @Test func aGoodCountRunsAndABadOneStopsTheProcessNamingIt() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord.path), "build concord first")
        let database = try await TestDatabase.shared.create(migrated: true)
        let good = try await migrateStatus(reactors: "3", conninfo: database.conninfo)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.contains("0001"))
        for bad in ["0", "many", "-2", "2000"] {
            let stopped = try await migrateStatus(reactors: bad, conninfo: database.conninfo)
            #expect(stopped.status == 2, "\(bad): \(stopped.output)")
            #expect(
                stopped.output.contains("bad configuration: PQ_REACTORS: '\(bad)' is not a whole number in 1...1024"))
        }
    }

    /// `PQ_REACTOR_BINDING` is `none` or `cpu`; anything else stops the process the same way.
    @Test func aBindingOtherThanNoneOrCPUStopsTheProcessNamingIt() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.concord.path), "build concord first")
        let database = try await TestDatabase.shared.create(migrated: true)
        for good in ["none", "cpu"] {
            let ran = try await migrateStatus(["PQ_REACTOR_BINDING": good], conninfo: database.conninfo)
            #expect(ran.status == 0, "\(good): \(ran.output)")
        }
        let stopped = try await migrateStatus(["PQ_REACTOR_BINDING": "cores"], conninfo: database.conninfo)
        #expect(stopped.status == 2, "\(stopped.output)")
        #expect(stopped.output.contains("bad configuration: PQ_REACTOR_BINDING: 'cores' is not none or cpu"))
    }

    /// `concord migrate status` (it connects once) with `PQ_REACTORS` set; its exit status and all it wrote.
    func migrateStatus(reactors: String, conninfo: String) async throws -> (status: Int32, output: String) {
        try await migrateStatus(["PQ_REACTORS": reactors], conninfo: conninfo)
    }

    /// `concord migrate status` with `settings` added to the environment.
    func migrateStatus(_ settings: [String: String], conninfo: String) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.concord
        process.arguments = ["migrate", "status", "--database-url", conninfo]
        process.environment = ProcessInfo.processInfo.environment.merging(settings) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (status, text)
    }
}
