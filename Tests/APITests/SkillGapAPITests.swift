import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// Skills gaps and learning pathways over a real socket, on an example checked by hand.
@Suite struct SkillGapAPITests {
    @Test func gapsPerLeaderAndAreaAndProgressAlongThePathway() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let seed = try await GateSeed.make(fixture, org: org)
        let (change, coaching) = (UUID(), UUID())
        // Scores (0-100) on two dimensions. Ada: change leadership 80 in January, then 50 in March (the latest
        // counts), coaching 65. Grace: change leadership 60, never scored on coaching.
        try await fixture.ownerPool.withConnection { connection in
            let framework = UUID()
            try await connection.execute(
                "INSERT INTO assessment_frameworks (org_id, id, name) VALUES (\(org)::uuid, \(framework)::uuid, 'Core')"
            )
            try await connection.execute(
                """
                INSERT INTO assessment_dimensions (org_id, id, framework_id, name)
                VALUES (\(org)::uuid, \(change)::uuid, \(framework)::uuid, 'change leadership'),
                       (\(org)::uuid, \(coaching)::uuid, \(framework)::uuid, 'coaching')
                """)
            for (leader, day, scores) in [
                (seed.ada, "2026-01-10", [(change, 80), (coaching, 65)]), (seed.ada, "2026-03-01", [(change, 50)]),
                (seed.grace, "2026-02-01", [(change, 60)]),
            ] {
                let assessment = UUID()
                try await connection.execute(
                    """
                    INSERT INTO assessments (org_id, id, leader_id, framework_id, assessed_on, assessor)
                    VALUES (\(org)::uuid, \(assessment)::uuid, \(leader)::uuid, \(framework)::uuid, \(day)::date, 'coach')
                    """)
                for (dimension, score) in scores {
                    try await connection.execute(
                        """
                        INSERT INTO assessment_scores (org_id, assessment_id, dimension_id, score)
                        VALUES (\(org)::uuid, \(assessment)::uuid, \(dimension)::uuid, \(score)::int4)
                        """)
                }
            }
        }
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            func id(_ response: TestResponse) throws -> String {
                #expect(response.status == .created, "\(response.text)")
                return try #require(response.json["id"] as? String)
            }
            let changeSkill = try id(
                try await client.send(
                    .post, "\(base)/skills", key: key,
                    json: #"{"name":"Change leadership","dimension_id":"\#(change)"}"#))
            let coachingSkill = try id(
                try await client.send(
                    .post, "\(base)/skills", key: key, json: #"{"name":"Coaching","dimension_id":"\#(coaching)"}"#))
            let leading = try id(
                try await client.send(.post, "\(base)/programmes", key: key, json: #"{"title":"Leading change"}"#))
            let clinic = try id(
                try await client.send(.post, "\(base)/programmes", key: key, json: #"{"title":"Coaching clinic"}"#))
            // Only "Leading change" develops a skill; nothing addresses coaching.
            let developed = try await client.send(
                .put, "\(base)/programmes/\(leading)/skills", key: key,
                json: #"{"skill_ids":["\#(changeSkill)","\#(changeSkill)"]}"#)
            #expect(developed.status == .ok, "\(developed.text)")
            #expect((developed.json["skill_ids"] as? [String])?.count == 1)
            let done = try await client.send(
                .post, "\(base)/programmes/\(leading)/participants", key: key,
                json: #"{"leader_id":"\#(seed.ada)","completed":true}"#)
            #expect(done.status == .created, "\(done.text)")

            let role = try id(
                try await client.send(
                    .post, "\(base)/roles", key: key,
                    json: """
                        {"name":"Area head","members":["\(seed.ada)","\(seed.grace)"],
                         "levels":[{"skill_id":"\(changeSkill)","required_level":"70"},
                                   {"skill_id":"\(coachingSkill)","required_level":"60"}],
                         "pathway":["\(leading)","\(clinic)"]}
                        """))

            let gaps = try await client.send(.get, "\(base)/roles/\(role)/gaps", key: key)
            #expect(gaps.status == .ok, "\(gaps.text)")
            let pathway = try #require(gaps.json["pathway"] as? [[String: Any]])
            #expect(pathway.compactMap { $0["title"] as? String } == ["Leading change", "Coaching clinic"])
            let leaders = try #require(gaps.json["leaders"] as? [[String: Any]])
            #expect(leaders.compactMap { $0["name"] as? String } == ["Ada", "Grace"])
            func skills(_ leader: [String: Any]) -> [String: [String: Any]] {
                Dictionary(
                    ((leader["skills"] as? [[String: Any]]) ?? []).map { ($0["skill"] as? String ?? "", $0) },
                    uniquingKeysWith: { first, _ in first })
            }
            let ada = skills(leaders[0])
            // Ada: 70 - 50 = 20 in change leadership (March, not January), 60 - 65 → 0 in coaching.
            #expect(ada["Change leadership"]?["level"] as? String == "50")
            #expect(ada["Change leadership"]?["gap"] as? String == "20")
            #expect(ada["Change leadership"]?["addressed"] as? Bool == true)
            #expect(ada["Coaching"]?["gap"] as? String == "0")
            #expect(ada["Coaching"]?["addressed"] as? Bool == false)
            #expect(leaders[0]["total_gap"] as? String == "20")
            #expect(leaders[0]["pathway_completed"] as? Int == 1)
            #expect(leaders[0]["pathway_steps"] as? Int == 2)
            #expect((leaders[0]["next_programme_id"] as? String)?.lowercased() == clinic.lowercased())
            // Grace: 70 - 60 = 10; never scored on coaching, so the whole 60 is the gap.
            let grace = skills(leaders[1])
            #expect(grace["Change leadership"]?["gap"] as? String == "10")
            #expect(grace["Coaching"]?["level"] is NSNull)
            #expect(grace["Coaching"]?["gap"] as? String == "60")
            #expect(leaders[1]["total_gap"] as? String == "70")
            #expect(leaders[1]["pathway_completed"] as? Int == 0)
            #expect((leaders[1]["next_programme_id"] as? String)?.lowercased() == leading.lowercased())

            // Per area: Ada heads IT, Grace Quality.
            let byArea = try await client.send(.get, "\(base)/skill-gaps", key: key)
            let rows = try #require(byArea.json["items"] as? [[String: Any]])
            let table = Dictionary(
                rows.map { ("\($0["area_name"] as? String ?? "")/\($0["skill"] as? String ?? "")", $0) },
                uniquingKeysWith: { first, _ in first })
            #expect(table["IT/Change leadership"]?["average_gap"] as? String == "20")
            #expect(table["IT/Coaching"]?["leaders_with_gap"] as? Int == 0)
            #expect(table["Quality/Coaching"]?["max_gap"] as? String == "60")
            #expect(table["Quality/Coaching"]?["addressed"] as? Bool == false)
            #expect(table["Quality/Change leadership"]?["addressed"] as? Bool == true)
            #expect(rows.count == 4)

            let unknown = try await client.send(.get, "\(base)/roles/\(UUID())/gaps", key: key)
            #expect(unknown.status == .notFound)
        }
    }
}
