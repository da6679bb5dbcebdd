import ConcordDomain
import Foundation
import PQ

/// A leader about to be nudged, with the organisation's policy filled in where the leader has none.
public struct NudgeRecipient: Sendable {
    public let id: UUID
    public let name: String
    public let email: String?
    public let timeZone: TimeZone
    /// `leaders.channels` values that are strings, e.g. ["slack": "U024BE7LH", "preferred": "email"].
    public let channels: [String: String]
    public let optedOut: Bool
    public let snoozedUntil: Date?
    public let workingDays: Set<Int>
    public let quietHours: QuietHours?
    public let weeklyCap: Int

    public var guardRails: NudgeGuardRails {
        NudgeGuardRails(
            timeZone: timeZone, workingDays: workingDays, quietHours: quietHours, snoozedUntil: snoozedUntil,
            optedOut: optedOut)
    }
}

/// A planned nudge whose time has come, with what its message needs.
public struct DueNudgeRow: Sendable, Hashable {
    public let id: UUID
    public let initiativeID: UUID
    public let initiativeTitle: String
    public let importance: Int
    public let reason: NudgeReason
    public let dueAt: Date
    public let attempts: Int
}

/// Where webhook and Slack messages go.
public struct WebhookEndpoint: Sendable, Hashable {
    public enum Kind: String, Sendable { case webhook, slack }
    public let id: UUID
    public let kind: Kind
    public let url: String
    /// Newest first; two while one is being rotated.
    public let secrets: [String]
}

/// One try at sending a nudge or a digest, as `nudge_deliveries` records it.
public struct NudgeDeliveryAttempt: Sendable, Hashable {
    public var channel: String
    public var endpoint: String
    public var statusCode: Int?
    public var latencyMilliseconds: Int
    public var error: String?
    public var at: Date

    public init(
        channel: String, endpoint: String, statusCode: Int?, latencyMilliseconds: Int, error: String?, at: Date
    ) {
        self.channel = channel
        self.endpoint = endpoint
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
        self.at = at
    }
}

extension TenantTransaction {
    /// Leaders of this organisation with planned nudges due at `now`.
    public func leadersWithDueNudges(now: Date) async throws -> [UUID] {
        try await transaction.query(
            """
            SELECT DISTINCT leader_id FROM nudges
            WHERE org_id = \(orgID)::uuid AND state = 'planned' AND due_at <= \(now)::timestamptz
            """
        ).map { try $0.decode(0, as: UUID.self) }
    }

    /// Takes the leader for this transaction; false when another worker is delivering to them.
    public func tryLockLeaderForDelivery(_ leader: UUID) async throws -> Bool {
        try await transaction.query(
            "SELECT pg_try_advisory_xact_lock(hashtextextended('concord.nudge-delivery:' || \(leader)::text, 0))"
        )[0].decode(0, as: Bool.self)
    }

    public func nudgeRecipient(_ leader: UUID) async throws -> NudgeRecipient? {
        let rows = try await transaction.query(
            """
            SELECT l.id, l.name, l.email, coalesce(l.timezone, o.timezone),
                   coalesce((SELECT jsonb_object_agg(k, v) FROM jsonb_each_text(l.channels) AS c (k, v)
                             WHERE jsonb_typeof(l.channels -> k) = 'string'), '{}')::text,
                   l.opted_out, l.snoozed_until, o.working_days::int[],
                   o.quiet_hours_start::text, o.quiet_hours_end::text,
                   o.nudge_weekly_cap
            FROM leaders AS l JOIN organisations AS o ON o.org_id = l.org_id
            WHERE l.org_id = \(orgID)::uuid AND l.id = \(leader)::uuid
            """)
        guard let row = rows.first else { return nil }
        let (id, name, email, zone, channels, optedOut, snoozed, days, quietStart, quietEnd, cap) = try row.decode(
            (UUID, String, String?, String, String, Bool, Date?, [Int], String?, String?, Int).self)
        let channelMap =
            (try? JSONSerialization.jsonObject(with: Data(channels.utf8)) as? [String: String]) ?? [:]
        var quiet: QuietHours?
        if let quietStart, let quietEnd, let start = LocalTime(quietStart), let end = LocalTime(quietEnd) {
            quiet = QuietHours(start: start, end: end)
        }
        return NudgeRecipient(
            id: id, name: name, email: email, timeZone: TimeZone(identifier: zone) ?? .gmt, channels: channelMap,
            optedOut: optedOut, snoozedUntil: snoozed, workingDays: Set(days), quietHours: quiet, weeklyCap: cap)
    }

    /// The leader's planned nudges due at `now`, locked until this transaction ends.
    public func dueNudges(leader: UUID, now: Date) async throws -> [DueNudgeRow] {
        try await transaction.query(
            """
            SELECT n.id, n.initiative_id, i.title, i.importance, n.reason, n.due_at, n.attempts
            FROM nudges AS n
            JOIN initiatives AS i ON i.org_id = n.org_id AND i.id = n.initiative_id
            WHERE n.org_id = \(orgID)::uuid AND n.leader_id = \(leader)::uuid
              AND n.state = 'planned' AND n.due_at <= \(now)::timestamptz
            ORDER BY n.due_at, n.id
            FOR UPDATE OF n SKIP LOCKED
            """
        ).map { row in
            let (id, initiative, title, importance, reason, due, attempts) = try row.decode(
                (UUID, UUID, String, Int, String, Date, Int).self)
            return DueNudgeRow(
                id: id, initiativeID: initiative, initiativeTitle: title, importance: importance,
                reason: NudgeReason(rawValue: reason) ?? .cadence, dueAt: due, attempts: attempts)
        }
    }

    /// Messages that went out to the leader in `interval`: single nudges plus digests (one each).
    public func nudgeSendCount(leader: UUID, in interval: DateInterval) async throws -> Int {
        try await transaction.query(
            """
            SELECT (SELECT count(*) FROM nudges
                    WHERE org_id = \(orgID)::uuid AND leader_id = \(leader)::uuid AND digest_id IS NULL
                      AND sent_at >= \(interval.start)::timestamptz AND sent_at < \(interval.end)::timestamptz)
                 + (SELECT count(*) FROM nudge_digests
                    WHERE org_id = \(orgID)::uuid AND leader_id = \(leader)::uuid AND state = 'sent'
                      AND sent_at >= \(interval.start)::timestamptz AND sent_at < \(interval.end)::timestamptz)
            """
        )[0].decode(0, as: Int.self)
    }

    /// Sets nudges aside for good (the leader opted out, or has no channel).
    public func skipNudges(_ ids: [UUID], error: String) async throws {
        try await transaction.execute(
            """
            UPDATE nudges SET state = 'skipped', last_error = \(error)
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[])
            """)
    }

    /// Moves nudges to a later instant (quiet hours, snooze, weekly cap).
    public func postponeNudges(_ ids: [UUID], until: Date) async throws {
        try await transaction.execute(
            """
            UPDATE nudges SET due_at = \(until)::timestamptz
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[])
            """)
    }

    /// Marks a nudge delivered, alone or within a digest, with the hash of its answer token.
    public func markNudgeDelivered(
        _ id: UUID, channel: String, digest: UUID?, tokenHash: String, tokenExpiresAt: Date, at: Date
    ) async throws {
        try await transaction.execute(
            """
            UPDATE nudges
            SET state = CASE WHEN \(digest)::uuid IS NULL THEN 'sent' ELSE 'digested' END,
                digest_id = \(digest)::uuid, channel = \(channel), sent_at = \(at)::timestamptz,
                token_hash = decode(\(tokenHash), 'hex'), token_expires_at = \(tokenExpiresAt)::timestamptz,
                last_error = NULL
            WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid
            """)
    }

    /// Records a failed delivery run: the nudges are tried again at `retryAt`, or fail for good when nil.
    public func markNudgesFailed(_ ids: [UUID], error: String, retryAt: Date?) async throws {
        try await transaction.execute(
            """
            UPDATE nudges
            SET attempts = attempts + 1, last_error = \(error),
                state = CASE WHEN \(retryAt)::timestamptz IS NULL THEN 'failed' ELSE 'planned' END,
                due_at = coalesce(\(retryAt)::timestamptz, due_at)
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[])
            """)
    }

    /// A digest row for the leader; `sent` false records a failed digest.
    public func createDigest(leader: UUID, channel: String, sent: Bool, at: Date) async throws -> UUID {
        try await transaction.query(
            """
            INSERT INTO nudge_digests (org_id, leader_id, channel, state, sent_at)
            VALUES (\(orgID)::uuid, \(leader)::uuid, \(channel), \(sent ? "sent" : "failed"),
                    CASE WHEN \(sent) THEN \(at)::timestamptz END)
            RETURNING id
            """
        )[0].decode(0, as: UUID.self)
    }

    /// Appends attempts to `nudge_deliveries`, for one nudge or one digest.
    public func recordDeliveries(_ attempts: [NudgeDeliveryAttempt], nudge: UUID?, digest: UUID?) async throws {
        for attempt in attempts {
            try await transaction.execute(
                """
                INSERT INTO nudge_deliveries (org_id, nudge_id, digest_id, channel, endpoint, status_code,
                                              latency_ms, error, at)
                VALUES (\(orgID)::uuid, \(nudge)::uuid, \(digest)::uuid, \(attempt.channel), \(attempt.endpoint),
                        \(attempt.statusCode), \(attempt.latencyMilliseconds), \(attempt.error),
                        \(attempt.at)::timestamptz)
                """)
        }
    }

    /// The endpoint of `kind` to use: `id` when given and enabled, else the organisation's oldest enabled one.
    public func webhookEndpoint(kind: WebhookEndpoint.Kind, id: UUID?) async throws -> WebhookEndpoint? {
        let rows = try await transaction.query(
            """
            SELECT id, url, secrets FROM webhook_endpoints
            WHERE org_id = \(orgID)::uuid AND kind = \(kind.rawValue) AND disabled_at IS NULL
              AND (\(id)::uuid IS NULL OR id = \(id)::uuid)
            ORDER BY created_at, id LIMIT 1
            """)
        guard let row = rows.first else { return nil }
        let (endpointID, url, secrets) = try row.decode((UUID, String, [String]).self)
        return WebhookEndpoint(id: endpointID, kind: kind, url: url, secrets: secrets)
    }

    /// Stops sending to an endpoint (it answered 410 Gone).
    public func disableWebhookEndpoint(_ id: UUID, reason: String, at: Date) async throws {
        try await transaction.execute(
            """
            UPDATE webhook_endpoints SET disabled_at = \(at)::timestamptz, disabled_reason = \(reason)
            WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid AND disabled_at IS NULL
            """)
    }
}
