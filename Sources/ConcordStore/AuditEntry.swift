import Foundation
import PQ

/// One written row of the append-only audit log: who changed what, when, with the images before and after.
public struct AuditEntry: Sendable, Codable, Hashable {
    public let id: Int64
    public let at: Date
    /// `app.actor` of the writing transaction.
    public let actor: String?
    public let tableName: String
    /// INSERT, UPDATE or DELETE.
    public let operation: String
    /// The row's primary key as JSON text.
    public let rowKey: String
    /// The row as JSON text before the write; nil for an INSERT.
    public let before: String?
    /// The row as JSON text after the write; nil for a DELETE.
    public let after: String?

    init(row: Row) throws {
        id = try row.decode("id")
        at = try row.decode("at")
        actor = try row.decode("actor")
        tableName = try row.decode("table_name")
        operation = try row.decode("operation")
        rowKey = try row.decode("row_key")
        before = try row.decode("before")
        after = try row.decode("after")
    }
}

extension Reads {
    /// The history of one row, oldest first: `table` is a tenant table whose key is (org_id, id).
    public static func auditTrail(table: String, id: UUID, limit: Int = 200) -> StoreRead<[AuditEntry]> {
        StoreRead([
            """
            SELECT al.id, al.at, al.actor, al.table_name, al.operation, al.row_key::text AS row_key,
                   al.before::text AS before, al.after::text AS after
            FROM audit_log AS al
            WHERE al.org_id = app.current_org() AND al.table_name = \(table)
              AND al.row_key = jsonb_build_object('org_id', app.current_org(), 'id', \(id)::uuid)
            ORDER BY al.id
            LIMIT \(limit)::int4
            """
        ]) { try $0[0].decodeAll(AuditEntry.init(row:)) }
    }
}
