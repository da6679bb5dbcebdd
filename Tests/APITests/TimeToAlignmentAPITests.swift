import ConcordDomain
import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// Time to alignment from the rating history, and support drops told to the sponsor once, over a real socket.
@Suite struct TimeToAlignmentAPITests {
    /// Local noon `days` days ago in the organisation's zone (Europe/Berlin): whole days apart, clear of
    /// midnight and DST edges.
    static func noon(_ days: Int) -> SQL {
        "((now() AT TIME ZONE 'Europe/Berlin')::date - \(days)::int4 + time '12:00') AT TIME ZONE 'Europe/Berlin'"
    }

    @Test func anInitiativeThatCrossedItsGateAndOneThatDidNot() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let erp = try await GateSeed.make(fixture, org: org)
        let crm = UUID()
        try await fixture.ownerPool.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO initiatives (org_id, id, title, lead_area_id, sponsor_leader_id, importance, stage)
                VALUES (\(org)::uuid, \(crm)::uuid, 'CRM', \(erp.it)::uuid, \(erp.grace)::uuid, 4, 'initiating')
                """)
            try await connection.execute(
                """
                INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
                VALUES (\(org)::uuid, \(crm)::uuid, \(erp.quality)::uuid, 'test')
                """)
            var created: SQL = "UPDATE initiatives SET created_at = "
            created.append(Self.noon(20))
            created.append(" WHERE org_id = \(org)::uuid")
            try await connection.execute(created)
            // Both: Ada (IT) aligned 15 days ago. ERP: Grace (Quality) aligned 5 days ago, so the gate of 1 was
            // reached then, 15 days after creation. CRM: Grace rated 1 against an importance of 4: never.
            for (initiative, grace) in [(erp.initiative, 4), (crm, 1)] {
                for (leader, priority, days) in [(erp.ada, 4, 15), (erp.grace, grace, 5)] {
                    var rating: SQL = """
                        INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, source, rated_at)
                        VALUES (\(org)::uuid, \(initiative)::uuid, \(leader)::uuid, \(priority)::int4, 'committed', 'api',
                        """
                    rating.append(Self.noon(days))
                    rating.append(")")
                    try await connection.execute(rating)
                }
            }
        }
        let today = try await fixture.ownerPool.withConnection { connection in
            try await connection.query("SELECT ((now() AT TIME ZONE 'Europe/Berlin')::date - 5)::text")[0]
                .decode(0, as: String.self)
        }

        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)/initiatives"
            let crossed = try await client.send(.get, "\(base)/\(erp.initiative)", key: key)
            let erpTime = try #require(crossed.json["time_to_alignment"] as? [String: Any], "\(crossed.text)")
            #expect(erpTime["first_reached_on"] as? String == today)
            #expect(erpTime["days_to_alignment"] as? Int == 15)
            #expect(erpTime["days_so_far"] == nil)

            let below = try await client.send(.get, "\(base)/\(crm)", key: key)
            let crmTime = try #require(below.json["time_to_alignment"] as? [String: Any])
            #expect(crmTime["first_reached_on"] == nil)
            #expect(crmTime["days_to_alignment"] == nil)
            #expect(crmTime["days_so_far"] as? Int == 20)

            // The portfolio carries the same for each open initiative.
            let portfolio = try await client.send(.get, "/v1/portfolio/initiatives", key: key)
            let items = try #require(portfolio.json["items"] as? [[String: Any]], "\(portfolio.text)")
            var times: [String: [String: Any]] = [:]
            for item in items {
                times[item["title"] as? String ?? ""] = item["time_to_alignment"] as? [String: Any]
            }
            #expect(times["ERP"]?["first_reached_on"] as? String == today, "\(portfolio.text)")
            #expect(times["ERP"]?["days_to_alignment"] as? Int == 15)
            #expect(times["CRM"]?["first_reached_on"] == nil)
            #expect(times["CRM"]?["days_so_far"] as? Int == 20)
        }

        // The BI views: the organisation's median over the one initiative that reached its gate, and Quality
        // (15 days on ERP, 20 and counting on CRM) slower than IT (5 days on both).
        let (median, areas, portfolio) = try await fixture.ownerPool.withConnection { connection in
            let median = try await connection.query(
                """
                SELECT DISTINCT org_median_days_to_alignment FROM bi.time_to_alignment WHERE org_id = \(org)::uuid
                """
            ).map { try $0.decode(0, as: Decimal?.self) }
            let areas = try await connection.query(
                """
                SELECT area_name, median_days, slowest_rank, waiting_pairs
                FROM bi.time_to_alignment_areas WHERE org_id = \(org)::uuid ORDER BY slowest_rank
                """
            ).map { try $0.decode((String, Decimal, Int, Int).self) }
            let portfolio = try await connection.query(
                """
                SELECT gate_reached_initiatives, median_days_to_alignment, max_days_so_far
                FROM bi.portfolio WHERE org_id = \(org)::uuid
                """
            ).map { try $0.decode((Int, Decimal?, Int?).self) }
            return (median, areas, portfolio)
        }
        // The organisation's row in bi.portfolio: one initiative reached its gate in 15 days, one has waited 20.
        #expect(portfolio.map(\.0) == [1])
        #expect(portfolio.map(\.1) == [15])
        #expect(portfolio.map(\.2) == [20])
        #expect(median == [15])
        #expect(areas.map(\.0) == ["Quality", "IT"])
        #expect(areas.map(\.1) == [Decimal(string: "17.5")!, 5])
        #expect(areas.map(\.2) == [1, 2])
        #expect(areas.map(\.3) == [1, 0])
    }

    @Test func aSupportDropTellsTheSponsorOnceAndShowsOnTheInitiative() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let erp = try await GateSeed.make(fixture, org: org)
        let worker = Store(pool: fixture.database.pool(user: "concord_worker"))
        @Sendable func plan() async throws -> Int {
            try await worker.write(TenantScope(orgID: org, actor: "test")) {
                try await $0.planNudges(now: Date())
            }.planned[.supportDrop] ?? 0
        }
        try await fixture.application().test(.live) { client in
            let initiative = "/v1/orgs/\(org)/initiatives/\(erp.initiative)"
            func rate(_ priority: Int, _ buyIn: String) async throws {
                let rating = try await client.send(
                    .post, "\(initiative)/ratings", key: key,
                    json: #"{"leader_id":"\#(erp.ada)","priority":\#(priority),"buy_in":"\#(buyIn)"}"#)
                #expect(rating.status == .created, "\(rating.text)")
            }
            try await rate(5, "committed")
            #expect(try await plan() == 0)
            try await rate(3, "committed")

            let detail = try await client.send(.get, initiative, key: key)
            let drops = try #require(detail.json["support_drops"] as? [[String: Any]], "\(detail.text)")
            #expect(drops.count == 1)
            #expect((drops.first?["leader_id"] as? String)?.lowercased() == erp.ada.uuidString.lowercased())
            #expect(drops.first?["previous_priority"] as? Int == 5)
            #expect(drops.first?["priority"] as? Int == 3)
            #expect(drops.first?["priority_drop"] as? Int == 2)
            #expect(drops.first?["buy_in_went_back"] as? Bool == false)

            // Planned once, to the sponsor, however often planning runs.
            #expect(try await plan() == 1)
            #expect(try await plan() == 0)
            let told = try await fixture.ownerPool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT leader_id FROM nudges WHERE org_id = \(org)::uuid AND reason = 'support_drop'
                    """
                ).map { try $0.decode(0, as: UUID.self) }
            }
            #expect(told == [erp.grace])

            // Support back where it was: the initiative no longer shows a drop.
            try await rate(4, "acting")
            let recovered = try await client.send(.get, initiative, key: key)
            #expect((recovered.json["support_drops"] as? [Any])?.isEmpty == true)
        }
    }
}
