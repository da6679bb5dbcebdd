import ArgumentParser

/// `concord`: the operator's command line.
@available(macOS 10.15, *)
public struct ConcordCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "concord",
        abstract: "Concord: leadership alignment for change initiatives.",
        subcommands: [
            DevCommand.self, MigrateCommand.self, OrgCommand.self, KeyCommand.self, ImportCommand.self,
            ExportCommand.self, JobsCommand.self, RoiCommand.self, BICommand.self, NudgesCommand.self,
            ReadinessCommand.self,
        ]
    )

    public init() {}
}

/// Options shared by the commands that reach the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "libpq conninfo or postgres:// URL of a role that owns the schema (default: $CONCORD_DATABASE_URL)")
    var databaseURL: String?

    func resolved() throws -> String {
        if let databaseURL, !databaseURL.isEmpty { return databaseURL }
        if let fromEnvironment = Environment.value("CONCORD_DATABASE_URL") { return fromEnvironment }
        throw ValidationError("no database: pass --database-url or set CONCORD_DATABASE_URL")
    }
}
