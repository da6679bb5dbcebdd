import Foundation
import PQ

/// How a BI login may connect: its limits are set on the role, so every BI tool gets them.
public struct BILoginLimits: Sendable, Equatable {
    public var statementTimeoutSeconds: Int
    public var connectionLimit: Int

    public init(statementTimeoutSeconds: Int = 60, connectionLimit: Int = 5) throws {
        guard (1...3600).contains(statementTimeoutSeconds) else {
            throw BIAccessError.invalidSetting("the statement timeout must be 1 to 3600 seconds")
        }
        guard (1...100).contains(connectionLimit) else {
            throw BIAccessError.invalidSetting("the connection limit must be 1 to 100")
        }
        self.statementTimeoutSeconds = statementTimeoutSeconds
        self.connectionLimit = connectionLimit
    }
}

/// Which organisations a BI login is granted.
public enum BIOrganisations: Sendable, Equatable {
    case listed([UUID])
    /// Every organisation not archived now (the consultancy's portfolio); later ones need a new grant,
    /// since access is always explicit.
    case allActive
}

/// The password a grant sets.
public enum BIPasswordChoice: Sendable, Equatable {
    /// This password, for a new login or replacing an existing login's.
    case given(String)
    /// A generated one for a new login (returned once); an existing login keeps its own.
    case generatedForNewLogin
}

/// A grant's password, encrypted for the server (`BIAccess.prepare`).
public struct BIPreparedPassword: Sendable {
    public let choice: BIPasswordChoice
    let plain: String
    let verifier: String
}

/// What a grant did.
public struct BIGrant: Sendable, Equatable {
    public var created: Bool
    public var organisations: [UUID]
    /// The generated password, when one was set: there is no other copy.
    public var generatedPassword: String?
}

/// Creates, extends and drops BI login roles, with the owner's connection.
///
/// A BI login is a member of `concord_bi`, whose privileges are all it has: USAGE on schema `bi` and
/// SELECT on its views, granted again by every migrate (the views are recreated, so grants made to the
/// login itself would not survive one). Row-level security on the tables below decides its rows, from
/// its rows in `auth.bi_role_grants`.
public struct BIAccess: Sendable {
    public let pool: ConnectionPool

    public init(pool: ConnectionPool) {
        self.pool = pool
    }

    /// Creates the login (or, when it is already a BI login, updates its limits and, given one, its
    /// password) and grants it the organisations. All or nothing.
    public func grant(
        role: BIRoleName, organisations: BIOrganisations, password: BIPasswordChoice, limits: BILoginLimits
    ) async throws -> BIGrant {
        let prepared = try await prepare(role: role, password: password)
        return try await pool.withTransaction(TransactionOptions(settings: [("app.actor", "cli")])) { transaction in
            try await Self.grant(
                role: role, organisations: organisations, password: prepared, limits: limits, in: transaction)
        }
    }

    /// The password encrypted before any transaction: libpq asks the server which algorithm to use.
    public func prepare(role: BIRoleName, password: BIPasswordChoice) async throws -> BIPreparedPassword {
        let plain: String
        switch password {
        case .given(let text): plain = text
        case .generatedForNewLogin: plain = BIPassword.generate()
        }
        let verifier = try await pool.withConnection { try await $0.encryptPassword(plain, role: role.value) }
        return BIPreparedPassword(choice: password, plain: plain, verifier: verifier)
    }

    /// The grant inside the caller's transaction, so that `concord org create` makes an organisation and
    /// its BI login together or not at all.
    public static func grant(
        role: BIRoleName, organisations: BIOrganisations, password: BIPreparedPassword, limits: BILoginLimits,
        in transaction: Transaction
    ) async throws -> BIGrant {
        if case .listed(let ids) = organisations, ids.isEmpty { throw BIAccessError.noOrganisations }
        let verifier = password.verifier
        let existing = try await Self.existingLogin(role, transaction)
        if existing == .other { throw BIAccessError.notABILogin(role.value) }
        let orgIDs = try await Self.resolve(organisations, transaction)
        if existing == .none {
            try await Self.ddl(
                transaction,
                """
                SELECT format('CREATE ROLE %I LOGIN PASSWORD %L CONNECTION LIMIT %s NOSUPERUSER NOCREATEDB'
                              ' NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT IN ROLE concord_bi',
                              \(role.value)::text, \(verifier)::text, \(limits.connectionLimit)::integer)
                """)
        } else {
            if case .given = password.choice {
                try await Self.ddl(
                    transaction,
                    "SELECT format('ALTER ROLE %I PASSWORD %L', \(role.value)::text, \(verifier)::text)")
            }
            try await Self.ddl(
                transaction,
                "SELECT format('ALTER ROLE %I CONNECTION LIMIT %s', \(role.value)::text, \(limits.connectionLimit)::integer)"
            )
        }
        // Settings of the role apply to every session it opens: the timeout caps a runaway BI
        // query, read-only is a second wall behind the privileges, and search_path = bi makes
        // BI tools list the views without a schema filter.
        let settings: [(String, String)] = [
            ("statement_timeout", "\(limits.statementTimeoutSeconds)s"),
            ("default_transaction_read_only", "on"),
            ("search_path", "bi"),
        ]
        for (name, value) in settings {
            try await Self.ddl(
                transaction,
                "SELECT format('ALTER ROLE %I SET %s = %L', \(role.value)::text, \(name)::text, \(value)::text)")
        }
        try await transaction.execute(
            """
            INSERT INTO auth.bi_role_grants (role_name, org_id)
            SELECT \(role.value)::name, g FROM unnest((\(orgIDs.map(\.uuidString))::text[])::uuid[]) AS g
            ON CONFLICT DO NOTHING
            """)
        let generated = existing == .none && password.choice == .generatedForNewLogin ? password.plain : nil
        return BIGrant(created: existing == .none, organisations: orgIDs, generatedPassword: generated)
    }

    /// Takes organisations away from a BI login (all of them when `organisations` is empty) and drops the
    /// login once it has none left. Returns whether the role was dropped.
    @discardableResult
    public func revoke(role: BIRoleName, organisations: [UUID] = []) async throws -> Bool {
        let dropped = try await pool.withTransaction(TransactionOptions(settings: [("app.actor", "cli")])) {
            transaction in
            let existing = try await Self.existingLogin(role, transaction)
            if existing == .other { throw BIAccessError.notABILogin(role.value) }
            let removed = try await transaction.execute(
                """
                DELETE FROM auth.bi_role_grants
                WHERE role_name = \(role.value)::name
                  AND (cardinality(\(organisations.map(\.uuidString))::text[]) = 0
                       OR org_id = ANY ((\(organisations.map(\.uuidString))::text[])::uuid[]))
                """)
            if existing == .none {
                if removed == 0 { throw BIAccessError.noSuchRole(role.value) }
                return false
            }
            let remaining = try await transaction.query(
                "SELECT count(*)::integer FROM auth.bi_role_grants WHERE role_name = \(role.value)::name"
            )[0].decode(0, as: Int.self)
            guard remaining == 0 else { return false }
            try await Self.ddl(transaction, "SELECT format('DROP ROLE %I', \(role.value)::text)")
            return true
        }
        if dropped {
            // Sessions still open would run on with no grants (they see nothing); ending them needs
            // pg_signal_backend, which the owner may not have, so this is best effort.
            _ = try? await pool.withConnection { connection in
                try await connection.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role.value)::name")
            }
        }
        return dropped
    }

    private enum ExistingRole { case none, biLogin, other }

    /// A BI login is a role that logs in, is no superuser, and is a direct member of concord_bi; any other
    /// role of the same name belongs to someone else.
    private static func existingLogin(_ role: BIRoleName, _ transaction: Transaction) async throws -> ExistingRole {
        let rows = try await transaction.query(
            """
            SELECT r.rolcanlogin AND NOT r.rolsuper AND NOT r.rolbypassrls
                   AND EXISTS (SELECT 1 FROM pg_auth_members AS m
                               WHERE m.member = r.oid AND m.roleid = 'concord_bi'::regrole)
            FROM pg_roles AS r WHERE r.rolname = \(role.value)::name
            """)
        guard let row = rows.first else { return .none }
        return try row.decode(0, as: Bool.self) ? .biLogin : .other
    }

    private static func resolve(_ organisations: BIOrganisations, _ transaction: Transaction) async throws -> [UUID] {
        switch organisations {
        case .allActive:
            let rows = try await transaction.query(
                "SELECT org_id FROM organisations WHERE archived_at IS NULL ORDER BY org_id")
            let ids = try rows.map { try $0.decode(0, as: UUID.self) }
            if ids.isEmpty { throw BIAccessError.noOrganisations }
            return ids
        case .listed(let ids):
            let unknown = try await transaction.query(
                """
                SELECT g FROM unnest((\(ids.map(\.uuidString))::text[])::uuid[]) AS g
                WHERE NOT EXISTS (SELECT 1 FROM organisations AS o WHERE o.org_id = g)
                """
            ).map { try $0.decode(0, as: UUID.self) }
            if !unknown.isEmpty { throw BIAccessError.unknownOrganisations(unknown) }
            return Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        }
    }

    /// DDL takes no bind parameters: the server builds the statement with format(), whose %I and %L
    /// quote the bound name and values, and the result runs as it is.
    private static func ddl(_ transaction: Transaction, _ builder: SQL) async throws {
        let statement = try await transaction.query(builder)[0].decode(0, as: String.self)
        try await transaction.execute(SQL(statement))
    }
}
