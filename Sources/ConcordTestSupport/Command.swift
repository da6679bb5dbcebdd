import Foundation
import LocalPostgres

/// Runs programs for tests (psql, pg_dump, pg_restore), collecting their output through a file.
public enum Command {
    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `program` to completion; returns its exit status and its combined output. The wait is on a thread
    /// of its own, not one of the cooperative pool's few (`onThreadOfItsOwn`).
    public static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await onThreadOfItsOwn { try runBlocking(program, arguments) }
    }

    private static func runBlocking(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// Runs `program` and throws with its output when it exits non-zero.
    public static func check(_ program: String, _ arguments: [String]) async throws {
        let (status, output) = try await run(program, arguments)
        guard status == 0 else { throw Failed(description: "\(program) exited \(status): \(output)") }
    }
}
