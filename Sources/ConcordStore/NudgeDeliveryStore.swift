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

/// A planned nudge whose time has come, with what its message needs: an initiative to revisit, or a
/// readiness check to answer (then `initiativeTitle` is the check's title and `importance` 0).
public struct DueNudgeRow: Sendable, Hashable {
    public let id: UUID
    public let initiativeID: UUID?
    public let readinessCheckID: UUID?
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
    /// Leaders of this organisation with planned nudges due at `now`, or with a claim being sent (or left
    /// behind by a sender that died).
    public func leadersWithDueNudges(now: Date) async throws -> [UUID] {
        try await transaction.query(
            """
            SELECT leader_id FROM nudges
            WHERE org_id = \(orgID)::uuid AND state = 'planned' AND due_at <= \(now)::timestamptz
            UNION
            SELECT leader_id FROM nudges WHERE org_id = \(orgID)::uuid AND state = 'sending'
            """
        ).map { try $0.decode(0, as: UUID.self) }
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
            SELECT n.id, n.initiative_id, n.readiness_check_id, coalesce(i.title, rc.title),
                   coalesce(i.importance, 0), n.reason, n.due_at, n.attempts
            FROM nudges AS n
            LEFT JOIN initiatives AS i ON i.org_id = n.org_id AND i.id = n.initiative_id
            LEFT JOIN readiness_checks AS rc ON rc.org_id = n.org_id AND rc.id = n.readiness_check_id
            WHERE n.org_id = \(orgID)::uuid AND n.leader_id = \(leader)::uuid
              AND n.state = 'planned' AND n.due_at <= \(now)::timestamptz
            ORDER BY n.due_at, n.id
            FOR UPDATE OF n SKIP LOCKED
            """
        ).map { row in
            let (id, initiative, check, title, importance, reason, due, attempts) = try row.decode(
                (UUID, UUID?, UUID?, String, Int, String, Date, Int).self)
            return DueNudgeRow(
                id: id, initiativeID: initiative, readinessCheckID: check, initiativeTitle: title,
                importance: importance,
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

    /// Claims nudges for one message before it is sent: `sending`, with the hash of each one's answer token
    /// (`tokenHashes`, in the order of `ids`), the channel and endpoint, the digest they go out in, the server
    /// run and the job run that claim (see `recoverInterruptedSends`).
    public func claimNudges(
        _ ids: [UUID], tokenHashes: [String], channel: String, endpoint: String, digest: UUID?,
        tokenExpiresAt: Date, at: Date, claimant: NudgeClaimant? = nil
    ) async throws {
        try await transaction.execute(
            """
            UPDATE nudges AS n
            SET state = 'sending', claimed_at = \(at)::timestamptz, claimed_endpoint = \(endpoint),
                channel = \(channel), digest_id = \(digest)::uuid, token_hash = decode(t.hash, 'hex'),
                token_expires_at = \(tokenExpiresAt)::timestamptz, claimed_on_server = pg_postmaster_start_time(),
                claimed_by_job = \(claimant?.jobID)::bigint, claimed_by_attempt = \(claimant?.attempt)::integer
            FROM unnest(\(ids)::uuid[], \(tokenHashes)::text[]) AS t (id, hash)
            WHERE n.org_id = \(orgID)::uuid AND n.id = t.id AND n.state = 'planned'
            """)
    }

    /// The claimed nudges went out: `sent`, or `digested` when they were part of a digest. Only nudges still
    /// under this claim (`sending` with these token hashes) change, so an outcome written twice, or after
    /// the claim was taken back, changes nothing. Returns how many changed.
    @discardableResult
    public func markNudgesDelivered(_ ids: [UUID], claimedWith tokenHashes: [String], at: Date) async throws -> Int {
        try await transaction.execute(
            """
            UPDATE nudges
            SET state = CASE WHEN digest_id IS NULL THEN 'sent' ELSE 'digested' END, sent_at = \(at)::timestamptz,
                claimed_at = NULL, claimed_endpoint = NULL, last_error = NULL, claimed_on_server = NULL,
                claimed_by_job = NULL, claimed_by_attempt = NULL
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[]) AND state = 'sending'
              AND encode(token_hash, 'hex') = ANY(\(tokenHashes)::text[])
            """)
    }

    /// Records a failed delivery run: the nudges are tried again at `retryAt`, or fail for good when nil.
    /// The claim goes, and with it the token: the next run sends a new link. With `tokenHashes`, only nudges
    /// still under that claim change (as in `markNudgesDelivered`). Returns how many changed.
    @discardableResult
    public func markNudgesFailed(
        _ ids: [UUID], error: String, retryAt: Date?, claimedWith tokenHashes: [String]? = nil
    ) async throws -> Int {
        try await transaction.execute(
            """
            UPDATE nudges
            SET attempts = attempts + 1, last_error = \(error),
                state = CASE WHEN \(retryAt)::timestamptz IS NULL THEN 'failed' ELSE 'planned' END,
                due_at = coalesce(\(retryAt)::timestamptz, due_at),
                token_hash = NULL, token_expires_at = NULL, digest_id = NULL, channel = NULL,
                claimed_at = NULL, claimed_endpoint = NULL, claimed_on_server = NULL, claimed_by_job = NULL,
                claimed_by_attempt = NULL
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[])
              AND (\(tokenHashes)::text[] IS NULL
                   OR (state = 'sending' AND encode(token_hash, 'hex') = ANY(\(tokenHashes)::text[])))
            """)
    }

    /// Gives back claimed nudges that were never sent (their sender lost the database before sending them):
    /// `planned` again, no failed run counted, the claim and its token gone. Returns how many changed.
    @discardableResult
    public func releaseUnsentClaims(_ ids: [UUID], claimedWith tokenHashes: [String]) async throws -> Int {
        try await transaction.execute(
            """
            UPDATE nudges
            SET state = 'planned', token_hash = NULL, token_expires_at = NULL, digest_id = NULL, channel = NULL,
                claimed_at = NULL, claimed_endpoint = NULL, claimed_on_server = NULL, claimed_by_job = NULL,
                claimed_by_attempt = NULL
            WHERE org_id = \(orgID)::uuid AND id = ANY(\(ids)::uuid[]) AND state = 'sending'
              AND encode(token_hash, 'hex') = ANY(\(tokenHashes)::text[])
            """)
    }

    /// Takes back the leader's claims whose sender is gone for good. Only the holder of the leader's delivery
    /// lock calls this. Each claim taken back gets an attempt recorded as interrupted (its outcome is
    /// unknown), its digest fails, and its nudges count a failed run: `planned` to be sent again, or `failed`
    /// after `maxRuns`. Returns how many nudges were taken back.
    ///
    /// A free lock no longer proves the sender dead: after a failover or a restart the server holds no
    /// advisory locks, and a live sender may still be sending, then recording the outcome once it reconnects
    /// (it stops trying a margin before its claim would be older than `staleBefore`). So a claim is taken
    /// back only when
    /// - it was claimed before `staleBefore` (its sender has given up on recording it), or
    /// - it was claimed on this same server run (the server has not restarted since, so the free lock means
    ///   the claimer's session ended) and the job run that claimed is no longer running (it finished, or the
    ///   queue took it back when its lease lapsed): the sender is known to be dead. A sender that only lost
    ///   its connection keeps its job's lease through its other connections and is left alone.
    public func recoverInterruptedSends(
        leader: UUID, now: Date, maxRuns: Int, staleBefore: Date
    ) async throws -> Int {
        let error = "interrupted: the sender stopped while sending (outcome unknown)"
        return try await transaction.query(
            """
            WITH stuck AS (
            SELECT id, digest_id, channel, claimed_at, claimed_endpoint FROM nudges AS c
              WHERE org_id = \(orgID)::uuid AND leader_id = \(leader)::uuid AND state = 'sending'
                AND (claimed_at < \(staleBefore)::timestamptz
                     OR (claimed_on_server = pg_postmaster_start_time()
                         AND NOT EXISTS (SELECT 1 FROM queue.jobs AS j
                                         WHERE j.id = c.claimed_by_job AND j.attempt = c.claimed_by_attempt
                                           AND j.state = 'running')))
              FOR UPDATE
            ),
            taken_back AS (
              UPDATE nudges AS n
              SET state = CASE WHEN n.attempts + 1 >= \(maxRuns) THEN 'failed' ELSE 'planned' END,
                  attempts = n.attempts + 1, last_error = \(error),
                  token_hash = NULL, token_expires_at = NULL, digest_id = NULL, channel = NULL,
                  claimed_at = NULL, claimed_endpoint = NULL, claimed_on_server = NULL, claimed_by_job = NULL,
                  claimed_by_attempt = NULL
              FROM stuck AS s WHERE n.org_id = \(orgID)::uuid AND n.id = s.id
              RETURNING n.id
            ),
            failed_digests AS (
              UPDATE nudge_digests AS d SET state = 'failed'
              WHERE d.org_id = \(orgID)::uuid AND d.state = 'sending'
                AND d.id IN (SELECT digest_id FROM stuck)
              RETURNING d.id
            ),
            recorded AS (
              INSERT INTO nudge_deliveries (org_id, nudge_id, digest_id, channel, endpoint, status_code,
                                            latency_ms, error, at)
              SELECT DISTINCT ON (coalesce(s.digest_id, s.id))
                     \(orgID)::uuid, CASE WHEN s.digest_id IS NULL THEN s.id END, s.digest_id, s.channel,
                     s.claimed_endpoint, NULL,
                     greatest(0, extract(epoch FROM \(now)::timestamptz - s.claimed_at) * 1000)::integer,
                     \(error), s.claimed_at
              FROM stuck AS s
              ORDER BY coalesce(s.digest_id, s.id)
              RETURNING id
            )
            -- Every data-modifying part runs whether or not it is read.
            SELECT count(*) FROM taken_back
            """
        )[0].decode(0, as: Int.self)
    }

    /// A digest for the leader, claimed before it is sent.
    public func claimDigest(leader: UUID, channel: String) async throws -> UUID {
        try await transaction.query(
            """
            INSERT INTO nudge_digests (org_id, leader_id, channel, state)
            VALUES (\(orgID)::uuid, \(leader)::uuid, \(channel), 'sending')
            RETURNING id
            """
        )[0].decode(0, as: UUID.self)
    }

    /// The claimed digest's outcome, once: a digest already finished (or failed when taken back) stays so.
    public func finishDigest(_ id: UUID, sent: Bool, at: Date) async throws {
        try await transaction.execute(
            """
            UPDATE nudge_digests
            SET state = CASE WHEN \(sent) THEN 'sent' ELSE 'failed' END,
                sent_at = CASE WHEN \(sent) THEN \(at)::timestamptz END
            WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid AND state = 'sending'
            """)
    }

    /// Appends attempts to `nudge_deliveries`, for one nudge or one digest. An attempt already there (same
    /// subject, endpoint and instant) is not added again: an outcome whose commit was not confirmed (the
    /// connection broke) is written again after the reconnect.
    public func recordDeliveries(_ attempts: [NudgeDeliveryAttempt], nudge: UUID?, digest: UUID?) async throws {
        for attempt in attempts {
            try await transaction.execute(
                """
                INSERT INTO nudge_deliveries (org_id, nudge_id, digest_id, channel, endpoint, status_code,
                                              latency_ms, error, at)
                SELECT \(orgID)::uuid, \(nudge)::uuid, \(digest)::uuid, \(attempt.channel), \(attempt.endpoint),
                       \(attempt.statusCode), \(attempt.latencyMilliseconds), \(attempt.error),
                       \(attempt.at)::timestamptz
                WHERE NOT EXISTS (
                  SELECT 1 FROM nudge_deliveries
                  WHERE org_id = \(orgID)::uuid AND nudge_id IS NOT DISTINCT FROM \(nudge)::uuid
                    AND digest_id IS NOT DISTINCT FROM \(digest)::uuid AND endpoint = \(attempt.endpoint)
                    AND at = \(attempt.at)::timestamptz)
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

extension Store {
    /// Takes the leader's delivery lock for the session of `connection`; false when another worker holds it.
    ///
    /// A session lock, not a transaction's: it is held from the claim through the send to the outcome, which
    /// are separate transactions, and the server drops it when the holder's connection ends (a worker killed
    /// mid-send), which is how the next holder knows that a claim it finds was left behind.
    public func tryLockLeaderForDelivery(_ leader: UUID, on connection: Connection) async throws -> Bool {
        try await connection.query(
            "SELECT pg_try_advisory_lock(hashtextextended('concord.nudge-delivery:' || \(leader)::text, 0))"
        )[0].decode(0, as: Bool.self)
    }

    /// Gives the lock back. The connection returns to the pool afterwards, so when the unlock cannot be
    /// confirmed the connection is closed (the pool then drops it and the server releases the lock).
    public func unlockLeaderForDelivery(_ leader: UUID, on connection: Connection) async {
        // A task of its own: a cancelled job must still give the lock back.
        let released = await Task {
            let rows = try? await connection.query(
                "SELECT pg_advisory_unlock(hashtextextended('concord.nudge-delivery:' || \(leader)::text, 0))")
            return (try? rows?.first?.decode(0, as: Bool.self)) ?? false
        }.value
        if !released { await connection.close() }
    }
}
