import ArgumentParser
import Foundation
import LocalPostgres
import Migrations

/// Runs Concord locally: a throwaway PostgreSQL unless a database URL is given, migrated, until Ctrl-C.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Concord locally on a throwaway PostgreSQL (or $CONCORD_DATABASE_URL)."
    )

    @Option(help: "Folder for the throwaway cluster (default: .concord/ in the working directory)")
    var dataParent: String = ".concord"

    func run() async throws {
        var cluster: LocalPostgres?
        let conninfo: String
        if let url = Environment.value("CONCORD_DATABASE_URL") {
            conninfo = url
        } else {
            let started = try LocalPostgres.start(parent: URL(fileURLWithPath: dataParent))
            cluster = started
            conninfo = started.conninfo()
            print("started PostgreSQL: \(conninfo)")
        }
        defer { cluster?.stop() }
        let applied = try await Migrator(sqlDirectory: try Migrator.locateSQLDirectory()).migrate(conninfo: conninfo)
        print("migrated (\(applied.count) applied)")
        print("database ready: psql \"\(conninfo)\"  (Ctrl-C stops it)")
        try await SignalWaiter.waitForTermination()
        print("stopping")
    }
}
