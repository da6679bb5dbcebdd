import ArgumentParser
import ConcordStore
import Foundation
import PQ

/// `concord bi`: BI logins (one organisation's, or the consultancy's portfolio) and the data dictionary.
struct BICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bi",
        abstract: "BI access to the read-only bi views, and their data dictionary.",
        subcommands: [Grant.self, Revoke.self, Dictionary.self]
    )

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a BI login (or extend one) for one organisation, several, or all (the portfolio).",
            discussion: """
                The login may read the bi views only, of the organisations granted, with a statement \
                timeout and a connection limit. Without --password-file a password is generated and \
                shown once.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The login role's name: lowercase letters, digits, underscores") var role: String
        @Option(help: "An organisation it may read (repeatable)") var org: [String] = []
        @Flag(help: "Every organisation not archived now: the consultancy's portfolio login")
        var allOrganisations = false
        @Option(help: "A file whose first line is the password (default: generate one)") var passwordFile: String?
        @Option(help: "Seconds before a statement is cancelled") var statementTimeout = 60
        @Option(help: "Most sessions at once") var connectionLimit = 5

        func run() async throws {
            guard org.isEmpty == allOrganisations else {
                throw ValidationError("give --org (repeatable) or --all-organisations")
            }
            let organisations: BIOrganisations =
                allOrganisations ? .allActive : .listed(try org.map(KeyCommand.Create.uuid))
            let given = try passwordFile.map(Self.readPassword)
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let access = BIAccess(pool: pool)
            let name = try await BIErrors.report { try BIRoleName(role) }
            let limits = try await BIErrors.report {
                try BILoginLimits(statementTimeoutSeconds: statementTimeout, connectionLimit: connectionLimit)
            }
            let grant = try await BIErrors.report {
                try await access.grant(
                    role: name, organisations: organisations,
                    password: given.map { .given($0) } ?? .generatedForNewLogin,
                    limits: limits)
            }
            await pool.close()
            print("\(grant.created ? "created" : "updated") BI login \(name)")
            for id in grant.organisations { print("organisation \(id.uuidString.lowercased())") }
            if let generated = grant.generatedPassword { print("password (shown once): \(generated)") }
        }

        /// The first line of the file; a line number names what is wrong with it.
        static func readPassword(_ path: String) throws -> String {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("\(path): cannot read the password file")
            }
            let first = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let password = first.hasSuffix("\r") ? String(first.dropLast()) : first
            guard password.count >= 12 else {
                throw ValidationError("\(path):1: the password must be at least 12 characters")
            }
            return password
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take organisations away from a BI login; the login is dropped once it has none left.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The login role's name") var role: String
        @Option(help: "Only this organisation (repeatable; default: all, dropping the login)") var org: [String] = []

        func run() async throws {
            let orgIDs = try org.map(KeyCommand.Create.uuid)
            let name = try await BIErrors.report { try BIRoleName(role) }
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let dropped = try await BIErrors.report {
                try await BIAccess(pool: pool).revoke(role: name, organisations: orgIDs)
            }
            await pool.close()
            print(dropped ? "dropped BI login \(name)" : "revoked \(orgIDs.count) organisation(s) from \(name)")
        }
    }

    struct Dictionary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the data dictionary of the bi views (Markdown) from the comments in the database.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let dictionary = try await BIDataDictionary.read(pool)
            await pool.close()
            print(dictionary.markdown, terminator: "")
        }
    }
}

/// BI access refusals as one readable line.
enum BIErrors {
    static func report<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as BIAccessError {
            throw ValidationError(error.description)
        }
    }
}
