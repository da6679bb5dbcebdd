import ArgumentParser
import ConcordDomain
import ConcordStore
import Foundation
import PQ

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Provision client organisations.",
        subcommands: [Create.self, Archive.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Create an organisation with its nudge defaults and first admin key (shown once), in one transaction.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Display name") var name: String
        @Option(help: "URL-safe handle, unique: lowercase letters, digits and dashes") var slug: String
        @Option(help: "IANA timezone, e.g. Europe/Berlin") var timezone: String = "UTC"
        @Option(help: "ISO weekdays nudges may go out on, 1 = Monday .. 7 = Sunday") var workingDays: String =
            "1,2,3,4,5"
        @Option(help: "No nudges in this local window, HH:MM-HH:MM, or 'none'") var quietHours: String = "18:00-08:00"
        @Option(help: "At most this many nudges per leader per week; the rest go into one digest")
        var weeklyCap: Int = 5
        @Option(help: "Default revisit window of initiatives, days") var revisitCadenceDays: Int = 30
        @Option(help: "Days without activity after which an initiative counts as quiet") var quietAfterDays: Int = 14
        @Option(help: "Also create this BI login for the organisation, in the same transaction") var biRole: String?
        @Option(help: "A file whose first line is the BI login's password (default: generate one)")
        var biPasswordFile: String?

        func run() async throws {
            var biLogin: BIRoleName?
            if let biRole { biLogin = try await BIErrors.report { try BIRoleName(biRole) } }
            let biPassword = try biPasswordFile.map(BICommand.Grant.readPassword)
            let settings = OrganisationSettings(
                timezone: timezone, workingDays: try OrgOptions.workingDays(workingDays),
                quietHours: try OrgOptions.quietHours(quietHours), nudgeWeeklyCap: weeklyCap,
                revisitCadenceDays: revisitCadenceDays, quietAfterDays: quietAfterDays)
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            var prepared: BIPreparedPassword?
            if let biLogin {
                prepared = try await BIAccess(pool: pool).prepare(
                    role: biLogin, password: biPassword.map { .given($0) } ?? .generatedForNewLogin)
            }
            let limits = try BILoginLimits()
            let (login, password) = (biLogin, prepared)
            let granted = GrantBox()
            let grantBI: @Sendable (Transaction, UUID) async throws -> Void = { transaction, orgID in
                guard let login, let password else { return }
                await granted.keep(
                    try await BIAccess.grant(
                        role: login, organisations: .listed([orgID]), password: password, limits: limits,
                        in: transaction))
            }
            let provisioning = Provisioning(pool: pool)
            let provisioned = try await BIErrors.report {
                try await CLIErrors.report {
                    try await provisioning.provisionOrganisation(
                        name: name, slug: slug, settings: settings, alsoWithin: grantBI)
                }
            }
            print("organisation \(provisioned.organisation.id) (\(provisioned.organisation.slug))")
            print("admin key \(provisioned.keyID)")
            print("admin key secret (shown once): \(provisioned.secret.value)")
            if let biLogin, let grant = await granted.grant {
                print("\(grant.created ? "created" : "updated") BI login \(biLogin)")
                if let generated = grant.generatedPassword { print("BI password (shown once): \(generated)") }
            }
            await pool.close()
        }
    }

    /// Carries the BI grant out of the provisioning transaction's closure.
    actor GrantBox {
        var grant: BIGrant?
        func keep(_ grant: BIGrant) { self.grant = grant }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive an organisation: its keys, grants, BI access and nudges stop; the audit log keeps it.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The organisation's id or slug") var organisation: String

        func run() async throws {
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let archived = try await CLIErrors.report {
                try await Provisioning(pool: pool).archiveOrganisation(organisation)
            }
            await pool.close()
            guard let archived, let at = archived.archivedAt else {
                print("no organisation \(organisation)")
                throw ExitCode(1)
            }
            print("archived \(archived.id) (\(archived.slug)) at \(at.ISO8601Format())")
        }
    }
}

/// Parses the organisation options the operator types.
enum OrgOptions {
    static func workingDays(_ text: String) throws -> [Int] {
        let days = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !days.isEmpty, days.allSatisfy({ $0.map { (1...7).contains($0) } ?? false }) else {
            throw ValidationError("--working-days '\(text)': give ISO weekdays 1-7 separated by commas, e.g. 1,2,3,4,5")
        }
        return days.compactMap { $0 }
    }

    static func quietHours(_ text: String) throws -> QuietHoursWindow? {
        if text.lowercased() == "none" { return nil }
        let parts = text.split(separator: "-").map { LocalTime(String($0).trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let start = parts[0], let end = parts[1], start != end else {
            throw ValidationError("--quiet-hours '\(text)': give HH:MM-HH:MM (e.g. 18:00-08:00) or none")
        }
        return QuietHoursWindow(start: start, end: end)
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
