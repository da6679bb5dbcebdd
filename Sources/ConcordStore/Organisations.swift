import Foundation
import PQ

extension Store {
    /// Provisions an organisation: picks its id, sets `app.org_id` to it inside the transaction (row-level
    /// security admits only rows of the current organisation) and inserts it.
    public func createOrganisation(
        name: String, slug: String, settings: OrganisationSettings = OrganisationSettings(), actor: String
    ) async throws -> Organisation {
        let scope = TenantScope(orgID: UUID(), actor: actor)
        return try await write(scope) { tx in
            let result = try await tx.transaction.query(
                """
                INSERT INTO organisations AS o
                  (org_id, name, slug, timezone, working_days, quiet_hours_start, quiet_hours_end,
                   nudge_weekly_cap, revisit_cadence_days, quiet_after_days)
                VALUES (\(scope.orgID)::uuid, \(name), \(slug), \(settings.timezone),
                        \(settings.workingDays)::int2[], \(time: settings.quietHours?.start),
                        \(time: settings.quietHours?.end), \(settings.nudgeWeeklyCap)::int4,
                        \(settings.revisitCadenceDays)::int4, \(settings.quietAfterDays)::int4)
                RETURNING \(unescaped: Organisation.columns)
                """)
            return try Organisation(row: result[0])
        }
    }
}

extension Reads {
    /// The scope's own organisation; nil if it does not exist.
    public static var organisation: StoreRead<Organisation?> {
        StoreRead([
            "SELECT \(unescaped: Organisation.columns) FROM organisations AS o WHERE o.org_id = app.current_org()"
        ]) {
            try $0[0].decodeFirst(Organisation.init(row:))
        }
    }
}

extension TenantTransaction {
    /// Replaces the organisation's settings if it is still at `expectedVersion`.
    public func updateOrganisationSettings(
        _ settings: OrganisationSettings, expectedVersion: Int
    ) async throws -> Organisation {
        try await updateOrganisation(
            expectedVersion: expectedVersion,
            set: """
                timezone = \(settings.timezone), working_days = \(settings.workingDays)::int2[],
                quiet_hours_start = \(time: settings.quietHours?.start),
                quiet_hours_end = \(time: settings.quietHours?.end),
                nudge_weekly_cap = \(settings.nudgeWeeklyCap)::int4,
                revisit_cadence_days = \(settings.revisitCadenceDays)::int4,
                quiet_after_days = \(settings.quietAfterDays)::int4
                """)
    }

    /// Renames the organisation if it is still at `expectedVersion`.
    public func renameOrganisation(_ name: String, expectedVersion: Int) async throws -> Organisation {
        try await updateOrganisation(expectedVersion: expectedVersion, set: "name = \(name)")
    }

    private func updateOrganisation(expectedVersion: Int, set assignments: SQL) async throws -> Organisation {
        var statement: SQL = "UPDATE organisations AS o SET "
        statement.append(assignments)
        statement.append(
            """
            , version = o.version + 1
            WHERE o.org_id = \(orgID)::uuid AND o.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Organisation.columns)
            """)
        if let row = try await transaction.query(statement).first { return try Organisation(row: row) }
        let current = try await transaction.query("SELECT version FROM organisations WHERE org_id = \(orgID)::uuid")
        guard let row = current.first else {
            throw StoreError.notFound(entity: "organisation", id: orgID.uuidString)
        }
        throw StoreError.versionConflict(
            entity: "organisation", id: orgID.uuidString, current: try row.decode(0, as: Int.self))
    }
}
