import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// The alignment gate over a real socket: a stage change below it is refused and names the leaders not yet
/// aligned; an override with a reason goes through and is audited; the initiative's own gate beats the
/// organisation's.
@Suite struct AlignmentGateAPITests {
    @Test func aStageChangeBelowTheGateIsRefusedUntilOverriddenWithAReason() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let erp = try await GateSeed.make(fixture, org: org)
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let initiative = "\(base)/initiatives/\(erp.initiative)"
            func etag() async throws -> String {
                try #require(try await client.send(.get, initiative, key: key).headers[.eTag])
            }
            func move(_ body: String) async throws -> TestResponse {
                try await client.send(
                    .post, "\(initiative)/stage", key: key, json: body, headers: [.ifMatch: try await etag()])
            }

            let orgGate = try await client.send(.get, "\(base)/alignment-gate", key: key)
            #expect(orgGate.json["alignment_gate"] as? String == "1")
            let detail = try await client.send(.get, initiative, key: key)
            let gate = try #require(detail.json["gate"] as? [String: Any])
            #expect(gate["threshold"] as? String == "1")
            #expect(gate["source"] as? String == "organisation")
            #expect(gate["met"] as? Bool == false)

            // Nobody has rated: both leaders are missing.
            let refused = try await move(#"{"stage":"developing"}"#)
            #expect(refused.status == .conflict, "\(refused.text)")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect((refused.json["type"] as? String)?.hasSuffix("/alignment-gate") == true)
            #expect(notAligned(refused) == [erp.ada: "missing", erp.grace: "missing"])

            for (leader, priority) in [(erp.ada, 4), (erp.grace, 1)] {
                let rating = try await client.send(
                    .post, "\(initiative)/ratings", key: key,
                    json: #"{"leader_id":"\#(leader)","priority":\#(priority)}"#)
                #expect(rating.status == .created, "\(rating.text)")
            }
            let stillRefused = try await move(#"{"stage":"developing"}"#)
            #expect(stillRefused.status == .conflict)
            #expect(notAligned(stillRefused) == [erp.grace: "out_of_line"])
            let names = (stillRefused.json["not_aligned_leaders"] as? [[String: Any]])?.compactMap { $0["name"] }
            #expect(names as? [String] == ["Grace"])

            let blank = try await move(#"{"stage":"developing","gate_override":{"reason":"  "}}"#)
            #expect(blank.status == .unprocessableContent)
            let overridden = try await move(
                #"{"stage":"developing","gate_override":{"reason":"Board deadline; Quality is being won over"}}"#)
            #expect(overridden.status == .ok, "\(overridden.text)")
            #expect(overridden.json["stage"] as? String == "developing")

            // The initiative's own gate of 0.5: one of two aligned is enough to move on, with no override.
            let ownGate = try await client.send(
                .patch, initiative, key: key, json: #"{"alignment_gate":"0.5"}"#,
                headers: [.ifMatch: try await etag()])
            #expect(ownGate.status == .ok, "\(ownGate.text)")
            #expect(ownGate.json["alignment_gate"] as? String == "0.5")
            let implementing = try await move(#"{"stage":"implementing"}"#)
            #expect(implementing.status == .ok, "\(implementing.text)")

            // Going back is never gated.
            #expect(try await move(#"{"stage":"initiating"}"#).status == .ok)
        }

        // The override and its reason are in the audit log, with the key that made it; one override only.
        let audited = try await fixture.ownerPool.withConnection { connection in
            try await connection.query(
                """
                SELECT actor, after ->> 'reason' AS reason, after ->> 'from_stage' AS from_stage,
                       after ->> 'to_stage' AS to_stage, after -> 'not_aligned_leader_ids' ->> 0 AS leader
                FROM audit_log WHERE org_id = \(org)::uuid AND table_name = 'stage_gate_overrides'
                """
            ).map {
                try $0.decode((String?, String, String, String, String).self)
            }
        }
        #expect(audited.count == 1)
        let entry = try #require(audited.first)
        #expect(entry.0?.isEmpty == false)
        #expect(entry.1 == "Board deadline; Quality is being won over")
        #expect(entry.2 == "initiating" && entry.3 == "developing")
        #expect(entry.4 == erp.grace.uuidString.lowercased())
    }

    @Test func theOrganisationGateIsAnIndexFromZeroToOne() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let readOnly = try await fixture.key(for: org, scopes: [.read]).secret
        try await fixture.application().test(.live) { client in
            let path = "/v1/orgs/\(org)/alignment-gate"
            let set = try await client.send(.put, path, key: key, json: #"{"alignment_gate":"0.75"}"#)
            #expect(set.status == .ok, "\(set.text)")
            #expect(try await client.send(.get, path, key: key).json["alignment_gate"] as? String == "0.75")
            let tooHigh = try await client.send(.put, path, key: key, json: #"{"alignment_gate":"1.5"}"#)
            #expect(tooHigh.status == .unprocessableContent)
            #expect(
                try await client.send(.put, path, key: readOnly, json: #"{"alignment_gate":"0"}"#).status == .forbidden)
        }
    }

    func notAligned(_ response: TestResponse) -> [UUID: String] {
        let leaders = response.json["not_aligned_leaders"] as? [[String: Any]] ?? []
        return Dictionary(
            leaders.compactMap { leader in
                guard let id = (leader["leader_id"] as? String).flatMap(UUID.init(uuidString:)),
                    let status = leader["status"] as? String
                else { return nil }
                return (id, status)
            }, uniquingKeysWith: { first, _ in first })
    }
}

/// An initiative in an organisation, written as the owner: IT (head Ada) leads, Quality (head Grace) supports
/// and Grace sponsors; importance 4, stage initiating.
struct GateSeed {
    let it: UUID
    let quality: UUID
    let ada: UUID
    let grace: UUID
    let initiative: UUID

    static func make(
        _ fixture: APIFixture, org: UUID, title: String = "ERP", createdAt: Date = Date()
    ) async throws -> GateSeed {
        let seed = GateSeed(it: UUID(), quality: UUID(), ada: UUID(), grace: UUID(), initiative: UUID())
        try await fixture.ownerPool.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO areas (org_id, id, name) VALUES (\(org)::uuid, \(seed.it)::uuid, 'IT'),
                  (\(org)::uuid, \(seed.quality)::uuid, 'Quality')
                """)
            try await connection.execute(
                """
                INSERT INTO leaders (org_id, id, area_id, name, email)
                VALUES (\(org)::uuid, \(seed.ada)::uuid, \(seed.it)::uuid, 'Ada', 'ada@acme.test'),
                       (\(org)::uuid, \(seed.grace)::uuid, \(seed.quality)::uuid, 'Grace', 'grace@acme.test')
                """)
            try await connection.execute(
                """
                UPDATE areas SET head_leader_id = CASE id WHEN \(seed.it)::uuid THEN \(seed.ada)::uuid
                                                           ELSE \(seed.grace)::uuid END
                WHERE org_id = \(org)::uuid
                """)
            try await connection.execute(
                """
                INSERT INTO initiatives (org_id, id, title, lead_area_id, sponsor_leader_id, importance, stage,
                                         created_at, stage_changed_at, last_activity_at)
                VALUES (\(org)::uuid, \(seed.initiative)::uuid, \(title), \(seed.it)::uuid, \(seed.grace)::uuid, 4,
                        'initiating', \(createdAt), \(createdAt), \(createdAt))
                """)
            try await connection.execute(
                """
                INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
                VALUES (\(org)::uuid, \(seed.initiative)::uuid, \(seed.quality)::uuid, 'define requirements and test')
                """)
        }
        return seed
    }
}
