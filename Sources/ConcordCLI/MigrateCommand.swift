import ArgumentParser
import Foundation
import Migrations

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the SQL migrations in order, then re-apply the views.",
        subcommands: [Up.self, Status.self],
        defaultSubcommand: Up.self
    )

    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (the default).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let migrator = Migrator(sqlDirectory: try Migrator.locateSQLDirectory())
            let applied = try await migrator.migrate(conninfo: try database.resolved())
            print(applied.isEmpty ? "up to date" : "applied \(applied.map(String.init).joined(separator: ", "))")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied, pending and changed migrations.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let migrator = Migrator(sqlDirectory: try Migrator.locateSQLDirectory())
            let statuses = try await migrator.status(conninfo: try database.resolved())
            for status in statuses {
                let version = String(format: "%04d", status.version)
                let at = status.appliedAt.map { " \($0.formatted(.iso8601))" } ?? ""
                print("\(version) \(status.name) \(status.state.rawValue)\(at)")
            }
            if statuses.contains(where: { $0.state == .changed }) { throw ExitCode(2) }
        }
    }
}
