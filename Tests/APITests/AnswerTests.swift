import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// The nudge link over a real socket: no key, one answer, a fresh rating with source "nudge", no replay.
@Suite struct AnswerTests {
    @Test func anAnswerLinkRecordsOneRatingAndCannotBeReplayed() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let token = NudgeToken.generate()
        let expiredToken = NudgeToken.generate()
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let areaID = try #require(
                try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#).json["id"] as? String)
            let leaderID = try #require(
                try await client.send(
                    .post, "\(base)/leaders", key: key, json: #"{"name":"Ida","area_id":"\#(areaID)"}"#
                )
                .json["id"] as? String)
            let initiativeID = try #require(
                try await client.send(
                    .post, "\(base)/initiatives", key: key,
                    json: #"{"title":"ERP <script>alert(1)</script>","lead_area_id":"\#(areaID)","importance":4}"#
                ).json["id"] as? String)
            for (token, expires, period) in [
                (token, "now() + interval '1 day'", "c1"), (expiredToken, "now() - interval '1 second'", "c2"),
            ] {
                try await fixture.ownerPool.withConnection { connection in
                    try await connection.execute(
                        """
                        INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at, state, sent_at,
                                            channel, token_hash, token_expires_at)
                        VALUES (\(org)::uuid, \(initiativeID)::uuid, \(leaderID)::uuid, 'cadence', \(period), now(),
                                'sent', now(), 'email', decode(\(token.hashHex), 'hex'), \(unescaped: expires))
                        """)
                }
            }

            let prompt = try await client.send(.get, "/answer/\(token.value)")
            #expect(prompt.status == .ok)
            #expect(prompt.json["initiative_title"] as? String == "ERP <script>alert(1)</script>")
            #expect(prompt.json["leader_name"] as? String == "Ida")

            let answeredBefore = try await Self.answeredTotal(client)
            let answer = try await client.send(
                .post, "/answer/\(token.value)", json: #"{"priority":2,"buy_in":"aware","concern":"no budget"}"#)
            #expect(answer.status == .created, "\(answer.text)")
            // Other tests share the registry, so the counter moved by at least this answer.
            #expect(try await Self.answeredTotal(client) >= answeredBefore + 1)
            let replay = try await client.send(.post, "/answer/\(token.value)", json: #"{"priority":5}"#)
            #expect(replay.status == .conflict)
            #expect(replay.headers[.contentType] == "application/problem+json")

            let expired = try await client.send(.post, "/answer/\(expiredToken.value)", json: #"{"priority":5}"#)
            #expect(expired.status == .gone)
            let unknown = try await client.send(
                .post, "/answer/\(NudgeToken.generate().value)", json: #"{"priority":5}"#)
            #expect(unknown.status == .notFound)

            let history = try await client.send(.get, "\(base)/initiatives/\(initiativeID)/ratings", key: key)
            let items = try #require(history.json["items"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["source"] as? String == "nudge")
            #expect(items.first?["priority"] as? Int == 2)
            #expect(items.first?["resistance_note"] as? String == "no budget")
        }
    }

    static func answeredTotal(_ client: some TestClientProtocol) async throws -> Double {
        let text = try await client.send(.get, "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("concord_nudges_answered_total ") }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }
}
