import PQ

/// What an `Idempotency-Key` turned out to be.
public enum IdempotencyClaim: Sendable, Equatable {
    /// First use: do the work, then record the answer in the same transaction.
    case fresh
    /// Seen before with the same request: answer as the first time.
    case replay(status: Int, body: String)
    /// Seen before with a different request.
    case mismatch
}

extension TenantTransaction {
    /// Takes the key for this transaction; a concurrent request with the same key waits here until this
    /// transaction ends, then replays its answer.
    public func claimIdempotencyKey(_ key: String, requestHash: String) async throws -> IdempotencyClaim {
        let inserted = try await transaction.execute(
            """
            INSERT INTO idempotency_keys (org_id, key, request_hash)
            VALUES (\(orgID)::uuid, \(key), \(requestHash)) ON CONFLICT DO NOTHING
            """)
        if inserted == 1 { return .fresh }
        let rows = try await transaction.query(
            """
            SELECT request_hash, response_status, response_body FROM idempotency_keys
            WHERE org_id = \(orgID)::uuid AND key = \(key)
            """)
        guard let row = rows.first else { return .fresh }
        let (hash, status, body) = try row.decode((String, Int?, String?).self)
        guard hash == requestHash, let status, let body else { return .mismatch }
        return .replay(status: status, body: body)
    }

    /// Stores the answer given under the key.
    public func recordIdempotentResponse(_ key: String, status: Int, body: String) async throws {
        try await transaction.execute(
            """
            UPDATE idempotency_keys SET response_status = \(status), response_body = \(body)
            WHERE org_id = \(orgID)::uuid AND key = \(key)
            """)
    }
}
