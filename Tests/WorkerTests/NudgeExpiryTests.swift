import ConcordStore
import ConcordWorker
import Foundation
import Logging
import PQ
import Testing

/// The hourly sweep: delivered nudges whose link expired unanswered become `expired`, and delivery attempts
/// past the retention period are pruned, never younger ones.
@Suite struct NudgeExpiryTests {
    @Test func sweepExpiresUnansweredLinksAndPrunesOldAttempts() async throws {
        let f = try await NudgeFixture.make()
        let now = Date()
        let head = try await f.areaWithHead("IT")
        let initiative = try await f.initiative(
            "Expiry", lead: head.area, createdAt: now.days(-60), lastActivityAt: now.days(-1))
        let digest = try await f.query(
            """
            INSERT INTO nudge_digests (org_id, leader_id, channel, state, sent_at)
            VALUES (\(f.orgID)::uuid, \(head.leader)::uuid, 'webhook', 'sent', \(now.days(-20))::timestamptz)
            RETURNING id
            """
        )[0].decode(0, as: UUID.self)
        // (period, state, link expiry, digest): each row a case.
        let cases: [(String, String, Date?, UUID?)] = [
            ("c0", "sent", now.days(-1), nil),  // expired unanswered: expires
            ("c1", "sent", now.days(1), nil),  // still valid: stays
            ("c2", "answered", now.days(-1), nil),  // answered in time: stays answered
            ("c3", "digested", now.days(-1), digest),  // in a digest, expired: expires
            ("c4", "planned", nil, nil),  // never sent: stays
        ]
        var ids: [String: UUID] = [:]
        for (period, state, expires, digestID) in cases {
            let id = UUID()
            ids[period] = id
            let delivered = expires != nil
            try await f.execute(
                """
                INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, state, due_at,
                                    sent_at, digest_id, channel, token_hash, token_expires_at, answered_at)
                VALUES (\(f.orgID)::uuid, \(id)::uuid, \(initiative)::uuid, \(head.leader)::uuid, 'cadence',
                        \(period), \(state), \(now.days(-20))::timestamptz,
                        CASE WHEN \(delivered) THEN \(now.days(-20))::timestamptz END, \(digestID)::uuid,
                        CASE WHEN \(delivered) THEN 'webhook' END,
                        CASE WHEN \(delivered) THEN sha256(convert_to(\(period), 'UTF8')) END,
                        \(expires)::timestamptz,
                        CASE WHEN \(state) = 'answered' THEN \(now.days(-2))::timestamptz END)
                """)
        }
        // Attempts 400, 100 and 1 day old; the retention is 180 days.
        for age in [400.0, 100, 1] {
            try await f.execute(
                """
                INSERT INTO nudge_deliveries (org_id, nudge_id, channel, endpoint, status_code, latency_ms, at)
                VALUES (\(f.orgID)::uuid, \(ids["c0"]!)::uuid, 'webhook', 'https://hooks.example', 200, 12,
                        \(now.days(-age))::timestamptz)
                """)
        }

        let sweep = NudgeExpirySweep(store: f.store, deliveryRetentionDays: 180)
        let report = try await sweep.sweep(orgID: f.orgID, now: now)
        #expect(report.expired == 2)
        #expect(report.pruned == 1)
        let states = try await f.query(
            "SELECT period_key, state FROM nudges WHERE org_id = \(f.orgID)::uuid ORDER BY period_key"
        ).map { try $0.decode((String, String).self) }
        #expect(states.map(\.1) == ["expired", "sent", "answered", "expired", "planned"])
        let ages = try await f.query(
            """
            SELECT round(extract(epoch FROM \(now)::timestamptz - at) / 86400)::int FROM nudge_deliveries
            WHERE org_id = \(f.orgID)::uuid ORDER BY at
            """
        ).map { try $0.decode(0, as: Int.self) }
        #expect(ages == [100, 1])

        // A second sweep finds nothing more.
        let again = try await sweep.sweep(orgID: f.orgID, now: now)
        #expect(again.expired == 0 && again.pruned == 0)

        // However short the worker's retention, the table keeps attempts younger than 30 days.
        await #expect(throws: (any Error).self) {
            try await f.store.write(f.scope) { try await $0.pruneNudgeDeliveries(before: now) }
        }
        #expect(try await f.query("SELECT count(*) FROM nudge_deliveries")[0].decode(0, as: Int.self) == 2)
    }

    @Test func theSweepRunsHourly() async throws {
        let environment = try await WorkerEnvironment.load(["CONCORD_WORKER_DATABASE_URL": "host=/nowhere dbname=none"])
        #expect(environment.deliveryRetentionDays == 180)
        let pool = ConnectionPool(PoolConfiguration(conninfo: "host=/nowhere dbname=none", maxConnections: 1))
        let jobs = WorkerJobs(store: Store(pool: pool), environment: environment, logger: Logger(label: "test"))
        let sweep = try #require(try jobs.periodicJobs().first { $0.name == WorkerJobs.Kind.expireAll })
        #expect(sweep.job.kind == WorkerJobs.Kind.expireAll)
        #expect(jobs.registry().kinds.contains(WorkerJobs.Kind.expireOrganisation))
        await #expect(
            throws: WorkerEnvironment.Invalid.self,
            performing: {
                try await WorkerEnvironment.load([
                    "CONCORD_WORKER_DATABASE_URL": "x", "CONCORD_NUDGE_DELIVERY_RETENTION_DAYS": "7",
                ])
            })
    }
}
