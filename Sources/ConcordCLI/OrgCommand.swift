import ArgumentParser
import ConcordDomain
import ConcordStore
import Foundation
import PQ

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Provision client organisations.",
        subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organisation and its first admin key (shown once).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Display name") var name: String
        @Option(help: "URL-safe handle, unique: lowercase letters, digits and dashes") var slug: String
        @Option(help: "IANA timezone, e.g. Europe/Berlin") var timezone: String = "UTC"

        func run() async throws {
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let provisioning = Provisioning(pool: pool)
            let org = try await CLIErrors.report {
                try await provisioning.createOrganisation(name: name, slug: slug, timezone: timezone)
            }
            let principal = try await provisioning.createPrincipal(name: "\(slug) admin", orgID: org)
            let key = try await provisioning.createKey(principalID: principal, scopes: [.admin])
            print("organisation \(org)")
            print("admin key (shown once): \(key.secret.value)")
            await pool.close()
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Create and revoke API keys.",
        subcommands: [Create.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key for one organisation, or a consultancy key with granted organisations.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The organisation the key belongs to") var org: String?
        @Option(help: "For a consultancy key: an organisation it may act for (repeatable)") var grant: [String] = []
        @Option(help: "Comma-separated scopes: read, write, admin") var scopes: String = "read"
        @Option(help: "Who the key is for") var name: String = "api key"

        func run() async throws {
            let scopeSet = try Set(
                scopes.split(separator: ",").map { part in
                    guard let scope = Scope(rawValue: part.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("unknown scope '\(part)': use read, write or admin")
                    }
                    return scope
                })
            let orgID = try org.map(Self.uuid)
            let grants = try grant.map(Self.uuid)
            guard orgID == nil || grants.isEmpty else {
                throw ValidationError("give --org for an organisation key, or --grant for a consultancy key, not both")
            }
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let provisioning = Provisioning(pool: pool)
            let principal = try await CLIErrors.report {
                try await provisioning.createPrincipal(name: name, orgID: orgID)
            }
            for granted in grants { try await provisioning.grant(principalID: principal, orgID: granted) }
            let key = try await provisioning.createKey(principalID: principal, scopes: scopeSet)
            print("key \(key.id)")
            print("secret (shown once): \(key.secret.value)")
            await pool.close()
        }

        static func uuid(_ text: String) throws -> UUID {
            guard let id = UUID(uuidString: text) else { throw ValidationError("'\(text)' is not a UUID") }
            return id
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The key's id") var id: String

        func run() async throws {
            let keyID = try Create.uuid(id)
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let revoked = try await Provisioning(pool: pool).revokeKey(id: keyID)
            await pool.close()
            print(revoked ? "revoked \(keyID)" : "no active key \(keyID)")
            if !revoked { throw ExitCode(1) }
        }
    }
}

/// Turns store errors into one readable line instead of a stack of types.
enum CLIErrors {
    static func report<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error {
            case .invalid(let constraint, let message), .conflict(let constraint, let message),
                .missingReference(let constraint, let message):
                throw ValidationError("\(message) (rule \(constraint))")
            default:
                throw ValidationError("\(error)")
            }
        }
    }
}
