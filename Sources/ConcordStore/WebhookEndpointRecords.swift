import Foundation
import PQ

/// A webhook or Slack endpoint as the API shows it: never its secrets, only how many it has.
public struct WebhookEndpointRecord: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var kind: String
    public var url: String
    public var secretCount: Int
    public var disabledAt: Date?
    public var disabledReason: String?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    static let columns = """
        w.id, w.kind, w.url, cardinality(w.secrets) AS secret_count, w.disabled_at, w.disabled_reason,
        w.created_at, w.updated_at, w.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        kind = try row.decode("kind")
        url = try row.decode("url")
        secretCount = try row.decode("secret_count")
        disabledAt = try row.decode("disabled_at")
        disabledReason = try row.decode("disabled_reason")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

extension Reads {
    public static func webhookEndpoint(_ id: UUID) -> StoreRead<WebhookEndpointRecord?> {
        StoreRead([
            """
            SELECT \(unescaped: WebhookEndpointRecord.columns) FROM webhook_endpoints AS w
            WHERE w.org_id = app.current_org() AND w.id = \(id)::uuid
            """
        ]) { try $0[0].decodeFirst(WebhookEndpointRecord.init(row:)) }
    }

    public static func webhookEndpoints() -> StoreRead<[WebhookEndpointRecord]> {
        StoreRead([
            """
            SELECT \(unescaped: WebhookEndpointRecord.columns) FROM webhook_endpoints AS w
            WHERE w.org_id = app.current_org() ORDER BY w.created_at, w.id
            """
        ]) { try $0[0].map(WebhookEndpointRecord.init(row:)) }
    }
}

extension TenantTransaction {
    /// A new endpoint signing with `secrets` (none for an unsigned Slack webhook).
    public func createWebhookEndpoint(kind: String, url: String, secrets: [String]) async throws
        -> WebhookEndpointRecord
    {
        let result = try await transaction.query(
            """
            INSERT INTO webhook_endpoints AS w (org_id, kind, url, secrets)
            VALUES (\(orgID)::uuid, \(kind), \(url), \(secrets)::text[])
            RETURNING \(unescaped: WebhookEndpointRecord.columns)
            """)
        return try WebhookEndpointRecord(row: result[0])
    }

    /// Points the endpoint elsewhere and enables or disables it, if it is still at `expectedVersion`.
    public func updateWebhookEndpoint(
        _ id: UUID, expectedVersion: Int, url: String, enabled: Bool
    ) async throws -> WebhookEndpointRecord {
        try await updateVersioned(
            """
            UPDATE webhook_endpoints AS w
            SET url = \(url),
                disabled_at = CASE WHEN \(enabled) THEN NULL ELSE coalesce(w.disabled_at, now()) END,
                disabled_reason = CASE WHEN \(enabled) THEN NULL
                                       ELSE coalesce(w.disabled_reason, 'disabled by a user') END,
                version = w.version + 1
            WHERE w.org_id = \(orgID)::uuid AND w.id = \(id)::uuid AND w.version = \(expectedVersion)::int4
            RETURNING \(unescaped: WebhookEndpointRecord.columns)
            """, table: "webhook_endpoints", entity: "webhook endpoint", id: id,
            decode: WebhookEndpointRecord.init(row:))
    }

    public func deleteWebhookEndpoint(_ id: UUID) async throws {
        let deleted = try await transaction.query(
            "DELETE FROM webhook_endpoints WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid RETURNING id")
        if deleted.isEmpty { throw StoreError.notFound(entity: "webhook endpoint", id: id.uuidString) }
    }
}
