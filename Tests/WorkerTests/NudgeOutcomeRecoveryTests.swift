import ConcordDomain
import ConcordStore
import ConcordWorker
import Foundation
import PQ
import Testing

/// Delivery across a lost database connection: the outcome of a send is kept and recorded once the
/// database answers again, and a claim left `sending` is sent again only when its sender is gone for good.
@Suite struct NudgeOutcomeRecoveryTests {
    /// Wednesday 18 March 2026, 10:00 in Berlin: a working day outside quiet hours.
    let now = instant("2026-03-18T09:00:00Z")

    let configuration = NudgeDeliveryConfiguration(
        publicBaseURL: "https://concord.example", httpTimeout: .seconds(20), httpAttempts: 1,
        webhookHosts: NudgeDeliveryTests.localReceivers)

    /// A leader reached by webhook at `receiver`, with one due nudge.
    func leaderWithDueNudge(_ f: NudgeFixture, receiver: TestHTTPReceiver) async throws -> (UUID, UUID) {
        try await f.execute(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(f.orgID)::uuid, 'webhook', \(receiver.url), '{s}')
            """)
        let head = try await f.areaWithHead("IT", channels: #"{"webhook": ""}"#)
        let initiative = try await f.initiative(
            "Recovery", lead: head.area, createdAt: now.days(-3), lastActivityAt: now)
        let nudge = UUID()
        try await f.execute(
            """
            INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, due_at, created_at)
            VALUES (\(f.orgID)::uuid, \(nudge)::uuid, \(initiative)::uuid, \(head.leader)::uuid, 'cadence', 'c0',
                    \(now.addingTimeInterval(-60))::timestamptz, \(now)::timestamptz)
            """)
        return (head.leader, nudge)
    }

    func attempts(_ f: NudgeFixture, _ nudge: UUID) async throws -> [(Int?, String?)] {
        try await f.query(
            "SELECT status_code, error FROM nudge_deliveries WHERE nudge_id = \(nudge)::uuid ORDER BY at"
        ).map { try $0.decode((Int?, String?).self) }
    }

    func state(_ f: NudgeFixture, _ nudge: UUID) async throws -> String {
        try await f.query("SELECT state FROM nudges WHERE id = \(nudge)::uuid")[0].decode(0, as: String.self)
    }

    @Test(.timeLimit(.minutes(3)))
    func outcomeIsRecordedAfterTheConnectionIsLostBetweenSendAndOutcome() async throws {
        let f = try await NudgeFixture.make()
        // The first request is held until the test answers it.
        let receiver = try TestHTTPReceiver(statuses: [0, 200])
        defer { receiver.stop() }
        let (leader, nudge) = try await leaderWithDueNudge(f, receiver: receiver)
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration)
        let delivery = Task { try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now) }

        for _ in 0..<600 where receiver.requests.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        try #require(receiver.requests.count == 1)
        // The worker's sessions end (as in a failover) while the message is on its way: the lock and the
        // connection that would record the outcome are gone.
        let ended = try await f.query(
            """
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE usename = 'concord_worker' AND datname = current_database()
            """
        )[0].decode(0, as: Int.self)
        #expect(ended >= 1)
        receiver.answerHeld(status: 200)

        let report = try await delivery.value
        #expect(report.sent == 1)
        #expect(report.recordedLate == 1)
        #expect(try await state(f, nudge) == "sent")
        #expect(try await attempts(f, nudge).map(\.0) == [200])
        // Nothing is left claimed, and a later run sends nothing again.
        #expect(try await deliverer.deliverDue(orgID: f.orgID, now: now.addingTimeInterval(3600)).sent == 0)
        #expect(receiver.requests.count == 1)
        await f.close()
    }

    /// A `sending` claim as a sender on another server run left it (before a failover or a restart).
    func claim(_ f: NudgeFixture, _ nudge: UUID, at: Date, server: String, job: Int64? = nil) async throws {
        try await f.execute(
            """
            UPDATE nudges
            SET state = 'sending', claimed_at = \(at)::timestamptz, claimed_endpoint = 'http://elsewhere/hook',
                channel = 'webhook', token_hash = sha256(\(UUID().uuidString)::bytea),
                token_expires_at = \(at.days(14))::timestamptz,
                claimed_on_server = CASE \(server)::text WHEN 'this' THEN pg_postmaster_start_time()
                                                   ELSE pg_postmaster_start_time() - interval '1 hour' END,
                claimed_by_job = \(job)::bigint, claimed_by_attempt = CASE WHEN \(job)::bigint IS NULL THEN NULL ELSE 1 END
            WHERE id = \(nudge)::uuid
            """)
    }

    /// (claim age in seconds, server run it was made on): whether it is taken back and sent again.
    /// Stale claims go back; a fresh one from another server run may still get its outcome recorded by a
    /// live sender, so it stays; a fresh one from this server run whose session ended outside any job
    /// has no live sender.
    @Test(arguments: [
        (600.0, "other", true), (30.0, "other", false), (30.0, "this", true),
    ])
    func claimIsSentAgainOnlyWhenItsSenderIsGone(age: Double, server: String, takenBack: Bool) async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        let (leader, nudge) = try await leaderWithDueNudge(f, receiver: receiver)
        try await claim(f, nudge, at: now.addingTimeInterval(-age), server: server)

        let report = try await NudgeDeliverer(store: f.store, configuration: configuration)
            .deliver(orgID: f.orgID, leader: leader, now: now)
        if takenBack {
            #expect(report.recovered == 1)
            #expect(report.sent == 1)
            #expect(receiver.requests.count == 1)
            #expect(try await state(f, nudge) == "sent")
            let recorded = try await attempts(f, nudge)
            #expect(recorded.map(\.0) == [nil, 200])
            #expect(recorded.first?.1?.hasPrefix("interrupted") == true)
        } else {
            #expect(report.recovered == 0)
            #expect(report.sent == 0)
            #expect(receiver.requests.isEmpty)
            #expect(try await state(f, nudge) == "sending")
            #expect(try await attempts(f, nudge).isEmpty)
        }
        await f.close()
    }

    /// A fresh claim made on this server run by a job run that is still running: its sender is alive
    /// (only its connection was lost), so it is left alone; once that run is over, it is taken back.
    @Test func freshClaimOfARunningJobIsLeftAloneUntilTheJobRunEnds() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        let (leader, nudge) = try await leaderWithDueNudge(f, receiver: receiver)
        let job = try await f.query(
            """
            INSERT INTO queue.jobs (kind, args, state, attempt, attempted_by, lease_expires_at)
            VALUES ('nudges.deliver', '{}', 'running', 1, 'elsewhere:1:x', now() + interval '1 minute')
            RETURNING id
            """
        )[0].decode(0, as: Int64.self)
        try await claim(f, nudge, at: now.addingTimeInterval(-30), server: "this", job: job)
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration)

        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now).recovered == 0)
        #expect(receiver.requests.isEmpty)
        try await f.execute(
            "UPDATE queue.jobs SET state = 'completed', finalized_at = now(), lease_expires_at = NULL WHERE id = \(job)"
        )
        let report = try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.recovered == 1)
        #expect(report.sent == 1)
        #expect(receiver.requests.count == 1)
        await f.close()
    }
}
