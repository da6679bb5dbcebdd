import ArgumentParser
import ConcordStore
import Foundation
import PQ

extension ImportKind: ExpressibleByArgument {}

/// `concord import KIND --org ORG FILE`: a client's spreadsheet into its organisation, all or nothing.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import areas, leaders, initiatives or workshop ratings from a CSV file, all or nothing.",
        discussion: """
            Every line is checked and every problem reported as FILE:LINE: column NAME: message; nothing is \
            written unless the whole file is good. Importing the same file again changes nothing.
            """)
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "areas, leaders, initiatives or ratings") var kind: ImportKind
    @Option(help: "The organisation's id or slug") var org: String
    @Argument(help: "The CSV file (UTF-8, as a spreadsheet exports it)") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file)")
        }
        let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
        let orgID = try await OrganisationReference.resolve(org, pool: pool)
        let bar = ProgressBar(label: "\(kind.rawValue)")
        var progress: ImportProgress?
        if let bar { progress = { loaded, total in bar.show(loaded, of: total) } }
        let store = Store(pool: pool)
        let scope = TenantScope(orgID: orgID, actor: "cli:import")
        let bytes = [UInt8](data)
        do {
            let outcome = try await CLIErrors.report {
                try await store.importCSV(kind, bytes, scope: scope, progress: progress)
            }
            bar?.finish()
            await pool.close()
            print("\(file): \(outcome.rows) rows: \(outcome.inserted) inserted, \(outcome.updated) updated")
        } catch let rejected as ImportRejected {
            bar?.finish()
            await pool.close()
            for issue in rejected.issues { FileHandle.standardError.write(Data("\(file):\(issue)\n".utf8)) }
            FileHandle.standardError.write(
                Data("\(file): \(rejected.issues.count) problem(s); nothing was imported\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// `concord export KIND --org ORG [--output FILE]`: the same shape back, for a spreadsheet or a re-import.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export areas, leaders, initiatives or ratings as CSV, in the import's shape.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "areas, leaders, initiatives or ratings") var kind: ImportKind
    @Option(help: "The organisation's id or slug") var org: String
    @Option(help: "Write here instead of standard output") var output: String?

    func run() async throws {
        let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
        let orgID = try await OrganisationReference.resolve(org, pool: pool)
        let csv = try await Store(pool: pool).exportCSV(kind, scope: TenantScope(orgID: orgID, actor: "cli:export"))
        await pool.close()
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(csv.utf8)) else {
                throw ValidationError("cannot write \(output)")
            }
        } else {
            FileHandle.standardOutput.write(Data(csv.utf8))
        }
    }
}

enum OrganisationReference {
    /// An organisation by id or slug, or a clear error.
    static func resolve(_ reference: String, pool: ConnectionPool) async throws -> UUID {
        guard let id = try await Provisioning(pool: pool).organisationID(reference) else {
            await pool.close()
            throw ValidationError("no organisation with id or slug '\(reference)'")
        }
        return id
    }
}
