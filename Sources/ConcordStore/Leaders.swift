import Foundation
import PQ

extension Reads {
    /// One leader, archived or not.
    public static func leader(_ id: UUID) -> StoreRead<Leader?> {
        StoreRead([
            "SELECT \(unescaped: Leader.columns) FROM leaders AS l WHERE l.org_id = app.current_org() AND l.id = \(id)::uuid"
        ]) {
            try $0[0].decodeFirst(Leader.init(row:))
        }
    }

    /// Leaders in creation order; `areaID` narrows to one area's leaders.
    public static func leaders(areaID: UUID? = nil, includeArchived: Bool = false, page: PageRequest) -> StoreRead<
        Page<Leader>
    > {
        var statement: SQL = """
            SELECT \(unescaped: Leader.columns), \(unescaped: PageRequest.cursorColumn(alias: "l"))
            FROM leaders AS l
            WHERE l.org_id = app.current_org()
              AND (\(areaID)::uuid IS NULL OR l.area_id = \(areaID)::uuid)
              AND (\(includeArchived)::bool OR l.archived_at IS NULL)
            """
        statement.append(page.predicate(alias: "l"))
        statement.append(page.orderAndLimit(alias: "l"))
        return StoreRead([statement]) { try page.page($0[0], Leader.init(row:)) }
    }
}

extension TenantTransaction {
    public func createLeader(_ fields: LeaderFields) async throws -> Leader {
        let result = try await transaction.query(
            """
            INSERT INTO leaders AS l
              (org_id, area_id, name, email, is_executive, is_hr, timezone, channels, external_key)
            VALUES (\(orgID)::uuid, \(fields.areaID)::uuid, \(fields.name), \(fields.email), \(fields.isExecutive)::bool,
                    \(fields.isHR)::bool, \(fields.timezone), \(PostgresJSON(fields.channels))::jsonb,
                    \(fields.externalKey))
            RETURNING \(unescaped: Leader.columns)
            """)
        return try Leader(row: result[0])
    }

    /// Replaces the leader's fields if the leader is still at `expectedVersion`.
    public func updateLeader(_ id: UUID, expectedVersion: Int, _ fields: LeaderFields) async throws -> Leader {
        try await updateLeader(
            id, expectedVersion: expectedVersion,
            set: """
                area_id = \(fields.areaID)::uuid, name = \(fields.name), email = \(fields.email),
                is_executive = \(fields.isExecutive)::bool, is_hr = \(fields.isHR)::bool,
                timezone = \(fields.timezone), channels = \(PostgresJSON(fields.channels))::jsonb,
                external_key = \(fields.externalKey)
                """)
    }

    /// Stops (or resumes) all nudges to the leader.
    public func setOptedOut(_ id: UUID, _ optedOut: Bool, expectedVersion: Int) async throws -> Leader {
        try await updateLeader(id, expectedVersion: expectedVersion, set: "opted_out = \(optedOut)::bool")
    }

    /// Holds nudges until `until`; nil ends a snooze.
    public func snoozeLeader(_ id: UUID, until: Date?, expectedVersion: Int) async throws -> Leader {
        try await updateLeader(id, expectedVersion: expectedVersion, set: "snoozed_until = \(until)::timestamptz")
    }

    /// Archives the leader: no longer required on initiatives nor nudged; history stays.
    public func archiveLeader(_ id: UUID, expectedVersion: Int) async throws -> Leader {
        try await updateLeader(id, expectedVersion: expectedVersion, set: "archived_at = coalesce(archived_at, now())")
    }

    private func updateLeader(_ id: UUID, expectedVersion: Int, set assignments: SQL) async throws -> Leader {
        var statement: SQL = "UPDATE leaders AS l SET "
        statement.append(assignments)
        statement.append(
            """
            , version = l.version + 1
            WHERE l.org_id = \(orgID)::uuid AND l.id = \(id)::uuid AND l.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Leader.columns)
            """)
        return try await updateVersioned(
            statement, table: "leaders", entity: "leader", id: id, decode: Leader.init(row:))
    }
}
