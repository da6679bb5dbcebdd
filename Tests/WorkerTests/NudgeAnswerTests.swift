import ConcordDomain
import ConcordStore
import ConcordWorker
import Foundation
import PQ
import Testing

/// The loop closes: the link in a delivered nudge records a fresh rating, once.
@Suite struct NudgeAnswerTests {
    let now = instant("2026-03-18T09:00:00Z")

    /// Delivers one nudge by webhook and returns its token, as the leader's link carries it.
    func deliveredNudge(_ f: NudgeFixture) async throws -> (token: NudgeToken, nudge: UUID, leader: UUID) {
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        try await f.execute(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(f.orgID)::uuid, 'webhook', \(receiver.url), '{s}')
            """)
        let head = try await f.areaWithHead("IT", channels: #"{"webhook": ""}"#)
        let initiative = try await f.initiative(
            "New ERP", lead: head.area, createdAt: now.days(-40), lastActivityAt: now)
        _ = try await f.plan(now: now)
        let report = try await NudgeDeliverer(
            store: f.store,
            configuration: NudgeDeliveryConfiguration(
                publicBaseURL: "https://concord.example/", webhookHosts: NudgeDeliveryTests.localReceivers)
        ).deliverDue(orgID: f.orgID, now: now)
        #expect(report.sent == 1)
        let body = try #require(receiver.requests.first).body
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let item = try #require((json["nudges"] as? [[String: Any]])?.first)
        #expect(item["initiative_id"] as? String == initiative.uuidString.lowercased())
        let link = try #require(item["answer_url"] as? String)
        let token = String(link.dropFirst("https://concord.example/answer/".count))
        #expect(token.count == 43)
        return (NudgeToken(token), try #require(UUID(uuidString: item["id"] as? String ?? "")), head.leader)
    }

    @Test func answerRecordsARatingFromTheNudgeAndCannotBeReplayed() async throws {
        let f = try await NudgeFixture.make()
        let (token, nudge, leader) = try await deliveredNudge(f)
        let api = Store(pool: f.database.pool(user: "concord_api"))

        let prompt = try await api.nudgePrompt(token: token, now: now.days(1))
        #expect(prompt.initiativeTitle == "New ERP")
        #expect(prompt.orgID == f.orgID)

        let receipt = try await api.answerNudge(
            token: token, NudgeAnswer(priority: 2, buyIn: .aware, concern: "  no budget this year "), now: now.days(1))
        #expect(receipt.nudgeID == nudge)
        #expect(receipt.leaderID == leader)
        let rating = try await f.query(
            """
            SELECT priority, buy_in, resistance_note, source FROM alignment_ratings WHERE id = \(receipt.ratingID)::uuid
            """
        )[0].decode((Int, String?, String?, String).self)
        #expect(rating == (2, "aware", "no budget this year", "nudge"))
        let state = try await f.query("SELECT state FROM nudges WHERE id = \(nudge)::uuid")[0].decode(
            0, as: String.self)
        #expect(state == "answered")

        await #expect(throws: NudgeAnswerError.alreadyAnswered) {
            try await api.answerNudge(token: token, NudgeAnswer(priority: 5), now: now.days(1))
        }
        await #expect(throws: NudgeAnswerError.alreadyAnswered) {
            try await api.nudgePrompt(token: token, now: now.days(1))
        }
        await #expect(throws: NudgeAnswerError.unknownToken) {
            try await api.answerNudge(token: NudgeToken.generate(), NudgeAnswer(priority: 3), now: now.days(1))
        }
        let ratings = try await f.query(
            "SELECT count(*) FROM alignment_ratings WHERE source = 'nudge'")[0].decode(0, as: Int.self)
        #expect(ratings == 1)
    }

    @Test func concurrentAnswersRecordOneRating() async throws {
        let f = try await NudgeFixture.make()
        let (token, _, _) = try await deliveredNudge(f)
        let api = Store(pool: f.database.pool(user: "concord_api", maxConnections: 4))
        let later = now.days(1)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    do {
                        _ = try await api.answerNudge(token: token, NudgeAnswer(priority: 4), now: later)
                        return true
                    } catch NudgeAnswerError.alreadyAnswered {
                        return false
                    }
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(accepted == 1)
    }

    @Test func expiredTokenIsRefused() async throws {
        let f = try await NudgeFixture.make()
        let (token, nudge, _) = try await deliveredNudge(f)
        let api = Store(pool: f.database.pool(user: "concord_api"))
        // Links last 14 days by default.
        await #expect(throws: NudgeAnswerError.expired) {
            try await api.answerNudge(token: token, NudgeAnswer(priority: 4), now: now.days(15))
        }
        try await f.execute(
            "UPDATE nudges SET token_expires_at = \(now.days(-1))::timestamptz WHERE id = \(nudge)::uuid")
        await #expect(throws: NudgeAnswerError.expired) {
            try await api.answerNudge(token: token, NudgeAnswer(priority: 4), now: now)
        }
        await #expect(throws: NudgeAnswerError.invalidAnswer("priority must be between 1 and 5")) {
            try await api.answerNudge(token: token, NudgeAnswer(priority: 9), now: now)
        }
        #expect(try await f.query("SELECT count(*) FROM alignment_ratings")[0].decode(0, as: Int.self) == 0)
    }

    @Test func theAPIRoleFindsTokensOnlyThroughTheSecurityDefinerFunction() async throws {
        let f = try await NudgeFixture.make()
        let (token, nudge, _) = try await deliveredNudge(f)
        let api = f.database.pool(user: "concord_api")
        let found = try await api.withConnection { connection in
            try await connection.query(
                "SELECT org_id, nudge_id FROM nudge_by_token(decode(\(token.hashHex), 'hex'))")
        }
        #expect(try found.map { try $0.decode((UUID, UUID).self) }.map { "\($0.0) \($0.1)" } == ["\(f.orgID) \(nudge)"])
        // Without the tenant setting the nudges table itself shows nothing.
        let visible = try await api.withConnection { connection in
            try await connection.query("SELECT count(*) FROM nudges")[0].decode(0, as: Int.self)
        }
        #expect(visible == 0)
    }
}
