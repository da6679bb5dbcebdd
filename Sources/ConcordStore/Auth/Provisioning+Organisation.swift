import ConcordDomain
import Foundation
import PQ

/// A new organisation with its first admin key; `secret` is the only copy there will ever be.
public struct ProvisionedOrganisation: Sendable {
    public let organisation: Organisation
    public let keyID: UUID
    public let secret: APIKeySecret
}

extension Provisioning {
    /// The organisation, its settings, an admin principal and its first key, all in one transaction: a
    /// failure anywhere leaves nothing behind (no organisation without a way in).
    public func provisionOrganisation(
        name: String, slug: String, settings: OrganisationSettings, actor: String = "cli",
        alsoWithin: (@Sendable (Transaction, UUID) async throws -> Void)? = nil
    ) async throws -> ProvisionedOrganisation {
        let orgID = UUID()
        let secret = APIKeySecret.generate()
        let options = TransactionOptions(settings: [("app.org_id", orgID.uuidString), ("app.actor", actor)])
        return try await StoreError.translating {
            try await pool.withTransaction(options) { transaction in
                let results = try await transaction.pipeline([
                    """
                    INSERT INTO organisations AS o
                      (org_id, name, slug, timezone, working_days, quiet_hours_start, quiet_hours_end,
                       nudge_weekly_cap, revisit_cadence_days, quiet_after_days)
                    VALUES (\(orgID)::uuid, \(name), \(slug), \(settings.timezone),
                            \(settings.workingDays)::int2[], \(time: settings.quietHours?.start),
                            \(time: settings.quietHours?.end), \(settings.nudgeWeeklyCap)::int4,
                            \(settings.revisitCadenceDays)::int4, \(settings.quietAfterDays)::int4)
                    RETURNING \(unescaped: Organisation.columns)
                    """,
                    """
                    WITH principal AS (
                      INSERT INTO auth.principals (kind, org_id, name)
                      VALUES ('organisation', \(orgID)::uuid, \("\(slug) admin")) RETURNING id
                    )
                    INSERT INTO auth.api_keys (principal_id, key_hash, prefix, scopes)
                    SELECT id, decode(\(secret.hashHex), 'hex'), \(secret.prefix), '{admin}'::text[] FROM principal
                    RETURNING id
                    """,
                ])
                // Whatever else the organisation starts with (its BI login) commits or fails with it.
                try await alsoWithin?(transaction, orgID)
                return ProvisionedOrganisation(
                    organisation: try Organisation(row: results[0][0]),
                    keyID: try results[1][0].decode(0, as: UUID.self), secret: secret)
            }
        }
    }

    /// The id of the organisation with this id or slug, archived or not.
    public func organisationID(_ reference: String) async throws -> UUID? {
        try await pool.withConnection { connection in
            try await connection.query(
                "SELECT org_id FROM organisations WHERE org_id::text = lower(\(reference)) OR slug = \(reference)"
            ).first?.decode(0, as: UUID.self)
        }
    }

    /// Archives the organisation named by id or slug: its keys, grants and BI access stop working and
    /// the worker leaves it alone; its rows and audit log stay. Nil when no such organisation exists.
    public func archiveOrganisation(_ reference: String, actor: String = "cli") async throws -> Organisation? {
        try await StoreError.translating {
            guard let orgID = try await organisationID(reference) else { return nil }
            let options = TransactionOptions(settings: [("app.org_id", orgID.uuidString), ("app.actor", actor)])
            return try await pool.withTransaction(options) { transaction in
                try await transaction.query(
                    """
                    UPDATE organisations AS o
                    SET archived_at = coalesce(o.archived_at, now()),
                        version = o.version + CASE WHEN o.archived_at IS NULL THEN 1 ELSE 0 END
                    WHERE o.org_id = \(orgID)::uuid
                    RETURNING \(unescaped: Organisation.columns)
                    """
                ).first.map(Organisation.init(row:))
            }
        }
    }
}
