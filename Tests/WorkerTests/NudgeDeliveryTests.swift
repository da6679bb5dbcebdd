import ConcordDomain
import ConcordStore
import ConcordWorker
import Foundation
import PQ
import Testing

/// Delivery against real local receivers: an HTTP server in the test, and aiosmtpd for email.
@Suite struct NudgeDeliveryTests {
    /// Wednesday 18 March 2026, 10:00 in Berlin: a working day outside quiet hours.
    let now = instant("2026-03-18T09:00:00Z")

    func configuration(smtp: SMTPConfiguration? = nil) -> NudgeDeliveryConfiguration {
        NudgeDeliveryConfiguration(
            publicBaseURL: "https://concord.example", smtp: smtp, httpTimeout: .seconds(5),
            httpAttempts: 3, httpBackoff: Backoff(base: 0.01, cap: 0.05, jitter: .none),
            webhookHosts: Self.localReceivers)
    }

    /// The receivers listen on loopback, which only the operator's allow-list opens to webhooks.
    static let localReceivers = WebhookHostPolicy(allowedNetworks: [IPNetwork("127.0.0.1")!])

    /// A leader reached through `channels`, with `count` initiatives each holding one due nudge.
    func leaderWithDueNudges(
        _ f: NudgeFixture, count: Int, channels: String = #"{"webhook": ""}"#, title: String = "Initiative"
    ) async throws -> (leader: UUID, nudges: [UUID]) {
        let head = try await f.areaWithHead("IT", channels: channels)
        var nudges: [UUID] = []
        for index in 0..<count {
            let initiative = try await f.initiative(
                "\(title) \(index + 1)", lead: head.area, createdAt: now.days(-3), lastActivityAt: now)
            let id = UUID()
            try await f.execute(
                """
                INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, due_at, created_at)
                VALUES (\(f.orgID)::uuid, \(id)::uuid, \(initiative)::uuid, \(head.leader)::uuid, 'cadence', 'c0',
                        \(now.addingTimeInterval(Double(index)))::timestamptz, \(now)::timestamptz)
                """)
            nudges.append(id)
        }
        return (head.leader, nudges)
    }

    func endpoint(_ f: NudgeFixture, kind: String = "webhook", url: String, secrets: [String]) async throws -> UUID {
        try await f.query(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(f.orgID)::uuid, \(kind), \(url), \(secrets)::text[]) RETURNING id
            """
        )[0].decode(0, as: UUID.self)
    }

    func states(_ f: NudgeFixture) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await f.query("SELECT state FROM nudges WHERE org_id = \(f.orgID)::uuid") {
            counts[try row.decode(0, as: String.self), default: 0] += 1
        }
        return counts
    }

    @Test func signedWebhookCarriesAVerifiableSignatureForBothSecretsAndAOneTimeLink() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["new-secret", "old-secret"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration())

        let report = try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.sent == 1)
        #expect(receiver.requests.count == 1)
        let request = try #require(receiver.requests.first)
        #expect(request.method == "POST")
        let header = try #require(request.headers["concord-signature"])
        #expect(header.components(separatedBy: "v1=").count == 3)
        for secret in ["new-secret", "old-secret"] {
            #expect(WebhookSignature.verify(header: header, secret: secret, body: request.body, now: Date()))
        }
        #expect(!WebhookSignature.verify(header: header, secret: "wrong", body: request.body, now: Date()))
        #expect(!WebhookSignature.verify(header: header, secret: "new-secret", body: request.body + Data([32])))

        let json = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(json["type"] as? String == "concord.nudge")
        let items = try #require(json["nudges"] as? [[String: Any]])
        let link = try #require(items.first?["answer_url"] as? String)
        #expect(link.hasPrefix("https://concord.example/answer/"))
        let token = NudgeToken(String(link.dropFirst("https://concord.example/answer/".count)))
        let stored = try await f.query(
            "SELECT encode(token_hash, 'hex'), state, channel FROM nudges WHERE id = \(nudges[0])::uuid"
        )[0].decode((String, String, String).self)
        #expect(stored == (token.hashHex, "sent", "webhook"))
        let attempts = try await f.query(
            "SELECT status_code, latency_ms >= 0 FROM nudge_deliveries WHERE nudge_id = \(nudges[0])::uuid")
        #expect(try attempts.map { try $0.decode((Int?, Bool).self) }.map { "\($0.0 ?? 0) \($0.1)" } == ["200 true"])

        // Delivering again finds nothing due: the body went out once.
        #expect(try await deliverer.deliverDue(orgID: f.orgID, now: now.days(0.01)).sent == 0)
        #expect(receiver.requests.count == 1)
    }

    /// A serialization failure in the claim transaction (the nudge becoming `sending`) or in the outcome
    /// transaction (becoming `sent`) retries that transaction alone, and neither holds the send: the
    /// message goes out once. The failure is PostgreSQL's own SQLSTATE 40001, raised once by a trigger (a
    /// sequence counts, since it is not rolled back with the failed transaction).
    @Test(arguments: ["sending", "sent"])
    func serializationRetryDoesNotSendTwice(failingState: String) async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        try await f.execute("CREATE SEQUENCE injected_failures")
        try await f.execute("CREATE TABLE injected_failure_state (state text NOT NULL)")
        try await f.execute("INSERT INTO injected_failure_state VALUES (\(failingState))")
        try await f.execute(
            """
            CREATE FUNCTION inject_serialization_failure() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              IF NEW.state = (SELECT state FROM injected_failure_state) THEN
                IF nextval('injected_failures') = 1 THEN
                  RAISE EXCEPTION 'injected conflict' USING ERRCODE = 'serialization_failure';
                END IF;
              END IF;
              RETURN NEW;
            END
            $$
            """)
        try await f.execute(
            """
            CREATE TRIGGER inject_serialization_failure BEFORE UPDATE ON nudges
            FOR EACH ROW EXECUTE FUNCTION inject_serialization_failure()
            """)

        let report = try await NudgeDeliverer(store: f.store, configuration: configuration())
            .deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.sent == 1)
        // The trigger fired twice: the failure, then the retry that went through.
        #expect(try await f.query("SELECT last_value FROM injected_failures")[0].decode(0, as: Int.self) == 2)
        #expect(receiver.requests.count == 1)
        #expect(try await states(f) == ["sent": 1])
        let attempts = try await f.query(
            "SELECT status_code FROM nudge_deliveries WHERE nudge_id = \(nudges[0])::uuid"
        ).map { try $0.decode(0, as: Int?.self) }
        #expect(attempts == [200])
    }

    @Test func serverErrorIsRetriedWithBackoffThenSucceeds() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [500, 503, 200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        let report = try await NudgeDeliverer(store: f.store, configuration: configuration())
            .deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.sent == 1)
        #expect(receiver.requests.count == 3)
        let attempts = try await f.query(
            "SELECT status_code, error FROM nudge_deliveries WHERE nudge_id = \(nudges[0])::uuid ORDER BY at, status_code DESC"
        )
        let recorded = try attempts.map { try $0.decode((Int?, String?).self) }
        #expect(recorded.map(\.0) == [500, 503, 200])
        #expect(recorded.map(\.1) == ["HTTP 500", "HTTP 503", nil])
    }

    @Test func timeoutIsRetried() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [0, 200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        var settings = configuration()
        // Long enough that a loaded machine answers the second attempt in time (at 300 ms CI saw it time out too).
        settings.httpTimeout = .seconds(3)
        let report = try await NudgeDeliverer(store: f.store, configuration: settings)
            .deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.sent == 1)
        #expect(receiver.requests.count == 2)
        let attempts = try await f.query(
            """
            SELECT status_code, error IS NOT NULL, latency_ms FROM nudge_deliveries
            WHERE nudge_id = \(nudges[0])::uuid ORDER BY at
            """
        ).map { try $0.decode((Int?, Bool, Int).self) }
        #expect(attempts.map(\.0) == [nil, 200])
        #expect(attempts.map(\.1) == [true, false])
        #expect(attempts[0].2 >= 2_900)
    }

    @Test func twoWorkersDeliverEachNudgeOnce() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        for _ in 0..<3 { _ = try await leaderWithDueNudges(f, count: 2) }
        let store = Store(pool: f.database.pool(user: "concord_worker", maxConnections: 8))
        let workers = (0..<2).map { _ in NudgeDeliverer(store: store, configuration: configuration()) }
        let (orgID, at) = (f.orgID, now.days(0.01))
        let delivered = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in workers { group.addTask { try await worker.deliverDue(orgID: orgID, now: at).sent } }
            return try await group.reduce(0, +)
        }
        #expect(delivered == 6)
        #expect(receiver.requests.count == 6)
        let ids = receiver.requests.compactMap { request in
            ((try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]).flatMap {
                ($0["nudges"] as? [[String: Any]])?.first?["id"] as? String
            }
        }
        #expect(Set(ids).count == 6)
    }

    @Test func failedRunIsRetriedLaterAndGivesUpAfterTheLastRun() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [500])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        var settings = configuration()
        settings.httpAttempts = 2
        settings.maxDeliveryRuns = 2
        let deliverer = NudgeDeliverer(store: f.store, configuration: settings)
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now).failed == 1)
        let (state, due) = try await f.query(
            "SELECT state, due_at FROM nudges WHERE id = \(nudges[0])::uuid")[0].decode((String, Date).self)
        #expect(state == "planned")
        #expect(due > now)
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: due).failed == 1)
        #expect(try await states(f) == ["failed": 1])
        #expect(receiver.requests.count == 4)
    }

    @Test func goneDisablesTheEndpoint() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [410])
        defer { receiver.stop() }
        let endpointID = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, _) = try await leaderWithDueNudges(f, count: 2)
        var settings = configuration()
        settings.maxDeliveryRuns = 1
        let report = try await NudgeDeliverer(store: f.store, configuration: settings)
            .deliver(orgID: f.orgID, leader: leader, now: now.days(0.01))
        #expect(report.failed == 2)
        // The first 410 stopped all sending: no retry, and the second nudge found no endpoint.
        #expect(receiver.requests.count == 1)
        let disabled = try await f.query(
            "SELECT disabled_at IS NOT NULL, disabled_reason FROM webhook_endpoints WHERE id = \(endpointID)::uuid"
        )[0].decode((Bool, String?).self)
        #expect(disabled == (true, "410 Gone"))
        #expect(try await states(f) == ["failed": 2])
    }

    @Test func weeklyCapSendsFourAndMergesTheRestIntoOneDigest() async throws {
        let f = try await NudgeFixture.make(cap: 5)
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, _) = try await leaderWithDueNudges(f, count: 7)
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration())

        let report = try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now.days(0.01))
        #expect(report.sent == 4)
        #expect(report.digested == 3)
        #expect(try await states(f) == ["sent": 4, "digested": 3])
        #expect(receiver.requests.count == 5)
        let digest = try #require(
            try JSONSerialization.jsonObject(with: receiver.requests[4].body) as? [String: Any])
        #expect(digest["type"] as? String == "concord.nudge_digest")
        #expect((digest["nudges"] as? [[String: Any]])?.count == 3)
        #expect(
            try await f.query("SELECT count(*) FROM nudge_digests WHERE state = 'sent'")[0].decode(0, as: Int.self) == 1
        )

        // The cap is used up this week: a new nudge waits for the leader's next week (Monday 00:00 Berlin).
        let (_, more) = try await leaderWithDueNudgesFor(f, leader: leader)
        let later = try await deliverer.deliver(orgID: f.orgID, leader: leader, now: now.days(0.02))
        #expect(later.postponed == 1)
        let due = try await f.query("SELECT due_at FROM nudges WHERE id = \(more)::uuid")[0].decode(0, as: Date.self)
        #expect(due == instant("2026-03-22T23:00:00Z"))
        #expect(receiver.requests.count == 5)
    }

    /// One more due nudge for an existing leader.
    func leaderWithDueNudgesFor(_ f: NudgeFixture, leader: UUID) async throws -> (UUID, UUID) {
        let area = try await f.query("SELECT area_id FROM leaders WHERE id = \(leader)::uuid")[0].decode(
            0, as: UUID.self)
        let initiative = try await f.initiative("Late one", lead: area, createdAt: now.days(-3), lastActivityAt: now)
        let id = UUID()
        try await f.execute(
            """
            INSERT INTO nudges (org_id, id, initiative_id, leader_id, reason, period_key, due_at, created_at)
            VALUES (\(f.orgID)::uuid, \(id)::uuid, \(initiative)::uuid, \(leader)::uuid, 'quiet_initiative',
                    '2026-W12', \(now)::timestamptz, \(now)::timestamptz)
            """)
        return (initiative, id)
    }

    @Test func quietHoursAcrossTheSpringDSTChangePushTheSendTime() async throws {
        let f = try await NudgeFixture.make()
        try await f.execute("UPDATE organisations SET working_days = '{1,2,3,4,5,6,7}' WHERE org_id = \(f.orgID)::uuid")
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, nudges) = try await leaderWithDueNudges(f, count: 1)
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration())

        // Saturday 28 March 23:00 CET, in quiet hours; clocks go forward at 02:00 on Sunday 29 March.
        let saturdayNight = instant("2026-03-28T22:00:00Z")
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: saturdayNight).postponed == 1)
        let due = try await f.query("SELECT due_at FROM nudges WHERE id = \(nudges[0])::uuid")[0].decode(
            0, as: Date.self)
        // 08:00 CEST on Sunday is 06:00 UTC, one hour earlier in UTC than 08:00 the day before.
        #expect(due == instant("2026-03-29T06:00:00Z"))
        #expect(receiver.requests.isEmpty)

        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: due.addingTimeInterval(-60)).sent == 0)
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: leader, now: due).sent == 1)
        #expect(receiver.requests.count == 1)
    }

    @Test func optOutSkipsAndSnoozePostpones() async throws {
        let f = try await NudgeFixture.make()
        let (optedOut, _) = try await leaderWithDueNudges(f, count: 1)
        let (snoozed, snoozedNudges) = try await leaderWithDueNudges(f, count: 1)
        let until = instant("2026-03-19T09:30:00Z")
        try await f.execute("UPDATE leaders SET opted_out = true WHERE id = \(optedOut)::uuid")
        try await f.execute("UPDATE leaders SET snoozed_until = \(until)::timestamptz WHERE id = \(snoozed)::uuid")
        let deliverer = NudgeDeliverer(store: f.store, configuration: configuration())
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: optedOut, now: now).skipped == 1)
        #expect(try await deliverer.deliver(orgID: f.orgID, leader: snoozed, now: now).postponed == 1)
        let due = try await f.query("SELECT due_at FROM nudges WHERE id = \(snoozedNudges[0])::uuid")[0]
            .decode(0, as: Date.self)
        #expect(due == until)
        #expect(try await states(f) == ["skipped": 1, "planned": 1])
    }

    @Test func slackMessageMentionsTheLeaderAndLinksTheAnswer() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await endpoint(f, kind: "slack", url: receiver.url, secrets: [])
        let (leader, _) = try await leaderWithDueNudges(f, count: 1, channels: #"{"slack": "U024BE7LH"}"#)
        #expect(
            try await NudgeDeliverer(store: f.store, configuration: configuration())
                .deliver(orgID: f.orgID, leader: leader, now: now).sent == 1)
        let request = try #require(receiver.requests.first)
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect((body["text"] as? String)?.hasPrefix("<@U024BE7LH>") == true)
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2)
        let button = try #require(blocks[1]["accessory"] as? [String: Any])
        #expect((button["url"] as? String)?.hasPrefix("https://concord.example/answer/") == true)
    }

    @Test func emailGoesThroughSMTPWithDotStuffing() async throws {
        let sink = try await SMTPSink()
        defer { sink.stop() }
        let f = try await NudgeFixture.make()
        let (leader, nudges) = try await leaderWithDueNudges(
            f, count: 1, channels: #"{"email": "ada@client.example"}"#, title: ".NET migration")
        let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "nudges@concord.example")
        let report = try await NudgeDeliverer(store: f.store, configuration: configuration(smtp: smtp))
            .deliver(orgID: f.orgID, leader: leader, now: now)
        #expect(report.sent == 1)
        let mail = try #require(try await sink.nextMessage())
        #expect(mail.hasPrefix("MAIL FROM:nudges@concord.example RCPT TO:ada@client.example"))
        #expect(mail.contains("Subject: How important is"))
        // The line starting with "." arrives as written: stuffed on the wire, unstuffed by the server.
        #expect(mail.contains("\n.NET migration 1 (importance 4/5, regular revisit): https://concord.example/answer/"))
        let (channel, status) = try await f.query(
            """
            SELECT n.channel, d.status_code FROM nudges AS n JOIN nudge_deliveries AS d ON d.nudge_id = n.id
            WHERE n.id = \(nudges[0])::uuid
            """
        )[0].decode((String, Int?).self)
        #expect(channel == "email")
        #expect(status == 250)
    }
}
