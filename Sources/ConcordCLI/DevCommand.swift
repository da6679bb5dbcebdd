import ArgumentParser
import ConcordStore
import Foundation
import LocalPostgres
import Migrations
import PQ

/// Runs Concord locally: a throwaway PostgreSQL unless a database URL is given, migrated, a demo
/// organisation with an admin key, and the API and worker processes, until Ctrl-C.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Concord locally on a throwaway PostgreSQL (or $CONCORD_DATABASE_URL)."
    )

    @Option(help: "Folder for the throwaway cluster") var dataParent: String = ".concord"
    @Option(help: "API port") var port: Int = 8080

    func run() async throws {
        var cluster: LocalPostgres?
        let ownerURL: String
        var appURL: (String) -> String
        if let url = Environment.value("CONCORD_DATABASE_URL") {
            ownerURL = url
            appURL = { _ in url }
        } else {
            let started = try await LocalPostgres.start(parent: URL(fileURLWithPath: dataParent))
            cluster = started
            ownerURL = started.conninfo()
            appURL = { started.conninfo(user: $0) }
            say("started PostgreSQL: \(ownerURL)")
        }
        defer { cluster?.stop() }
        let applied = try await Migrator(sqlDirectory: try Migrator.locateSQLDirectory()).migrate(conninfo: ownerURL)
        say("migrated (\(applied.count) applied)")
        let key = try await DemoOrganisation.load(conninfo: ownerURL)
        say("demo organisation \(key.orgID), admin key: \(key.secret)")

        let processes = try [
            Self.spawn(
                "concord-api",
                environment: ["CONCORD_API_DATABASE_URL": appURL("concord_api"), "CONCORD_API_PORT": "\(port)"]),
            Self.spawn("concord-worker", environment: ["CONCORD_WORKER_DATABASE_URL": appURL("concord_worker")]),
        ].compactMap { $0 }
        say(
            "API on http://127.0.0.1:\(port)  (try: curl -H 'Authorization: Bearer \(key.secret)' "
                + "http://127.0.0.1:\(port)/v1/orgs)")
        say("Ctrl-C stops everything")
        try await SignalWaiter.waitForTermination()
        say("stopping")
        for process in processes where process.isRunning { process.terminate() }
        for process in processes { process.waitUntilExit() }
    }

    /// Starts a sibling executable (built next to `concord`) with extra environment variables.
    static func spawn(_ name: String, environment: [String: String]) throws -> Process? {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let executable = folder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            say("note: \(name) is not built next to concord; skipping it")
            return nil
        }
        let process = Process()
        process.executableURL = executable
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try process.run()
        return process
    }
}

/// Writes a line straight to standard output: `print` is buffered when the output is a pipe or a file,
/// and the key and URLs must show up at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
