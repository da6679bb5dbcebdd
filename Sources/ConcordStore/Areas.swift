import Foundation
import PQ

extension Reads {
    /// One area of the organisation, archived or not.
    public static func area(_ id: UUID) -> StoreRead<Area?> {
        StoreRead([
            "SELECT \(unescaped: Area.columns) FROM areas AS a WHERE a.org_id = app.current_org() AND a.id = \(id)::uuid"
        ]) {
            try $0[0].decodeFirst(Area.init(row:))
        }
    }

    /// Areas in creation order; `parentID` narrows to the children of one area.
    public static func areas(parentID: UUID? = nil, includeArchived: Bool = false, page: PageRequest) -> StoreRead<
        Page<Area>
    > {
        var statement: SQL = """
            SELECT \(unescaped: Area.columns), \(unescaped: PageRequest.cursorColumn(alias: "a"))
            FROM areas AS a
            WHERE a.org_id = app.current_org()
              AND (\(parentID)::uuid IS NULL OR a.parent_id = \(parentID)::uuid)
              AND (\(includeArchived)::bool OR a.archived_at IS NULL)
            """
        statement.append(page.predicate(alias: "a"))
        statement.append(page.orderAndLimit(alias: "a"))
        return StoreRead([statement]) { try page.page($0[0], Area.init(row:)) }
    }
}

extension TenantTransaction {
    public func createArea(_ fields: AreaFields) async throws -> Area {
        let result = try await transaction.query(
            """
            INSERT INTO areas AS a (org_id, name, parent_id, head_leader_id, external_key)
            VALUES (\(orgID)::uuid, \(fields.name), \(fields.parentID)::uuid, \(fields.headLeaderID)::uuid,
                    \(fields.externalKey))
            RETURNING \(unescaped: Area.columns)
            """)
        return try Area(row: result[0])
    }

    /// Replaces the area's fields if it is still at `expectedVersion`.
    public func updateArea(_ id: UUID, expectedVersion: Int, _ fields: AreaFields) async throws -> Area {
        try await updateVersioned(
            """
            UPDATE areas AS a
            SET name = \(fields.name), parent_id = \(fields.parentID)::uuid,
                head_leader_id = \(fields.headLeaderID)::uuid, external_key = \(fields.externalKey),
                version = a.version + 1
            WHERE a.org_id = \(orgID)::uuid AND a.id = \(id)::uuid AND a.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Area.columns)
            """, table: "areas", entity: "area", id: id, decode: Area.init(row:))
    }

    /// Archives the area (it stays readable and referenced; lists leave it out).
    public func archiveArea(_ id: UUID, expectedVersion: Int) async throws -> Area {
        try await updateVersioned(
            """
            UPDATE areas AS a
            SET archived_at = coalesce(a.archived_at, now()), version = a.version + 1
            WHERE a.org_id = \(orgID)::uuid AND a.id = \(id)::uuid AND a.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Area.columns)
            """, table: "areas", entity: "area", id: id, decode: Area.init(row:))
    }
}
