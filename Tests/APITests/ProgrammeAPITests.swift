import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// L&D programmes over a real socket: inputs in, figures out, exact decimals as strings, bad input named.
@Suite struct ProgrammeAPITests {
    @Test func aProgrammeWithCostsAndMeasuresShowsItsROI() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let otherKey = try await fixture.key(for: try await fixture.createOrganisation("Globex")).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let created = try await client.send(
                .post, "\(base)/programmes", key: key,
                json: #"{"title":"Leading change","objectives":"Leaders who keep their areas aligned"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["benefit_horizon_months"] as? Int == 12)
            let id = try #require(created.json["id"] as? String)
            let programme = "\(base)/programmes/\(id)"

            // Costs 20 000 + 36 000 × 12 / 36 = 32 000. Benefits 6 × 25 000 × 0.5 × 0.8 = 60 000 a year.
            for body in [
                #"{"category":"delivery","amount":"20000.00"}"#,
                #"{"category":"design_development","amount":"36000","months_used":"12","amortisation_months":36}"#,
            ] {
                let cost = try await client.send(.post, "\(programme)/costs", key: key, json: body)
                #expect(cost.status == .created, "\(cost.text)")
            }
            let measure = try await client.send(
                .post, "\(programme)/measures", key: key,
                json: """
                    {"name":"retention","unit":"regretted leavers","baseline":"30","after":"24","unit_value":"25000",
                     "direction":"lower_is_better","period":"per_year","attribution":"0.5",
                     "isolation_method":"estimate","confidence":"0.8"}
                    """)
            #expect(measure.status == .created, "\(measure.text)")
            #expect(measure.json["unit_value"] as? String == "25000")
            let intangible = try await client.send(
                .post, "\(programme)/intangibles", key: key, json: #"{"description":"Shared vocabulary"}"#)
            #expect(intangible.status == .created)
            let participant = try await client.send(
                .post, "\(programme)/participants", key: key,
                json: #"{"person_name":"Ida","completed":true,"reaction":"4.5","learning":80}"#)
            #expect(participant.status == .created, "\(participant.text)")

            // No snapshot yet: computed on read by the domain.
            let roi = try await client.send(.get, "\(programme)/roi", key: key)
            #expect(roi.status == .ok, "\(roi.text)")
            let latest = try #require(roi.json["latest"] as? [String: Any])
            #expect(latest["total_cost"] as? String == "32000")
            #expect(latest["annual_benefits"] as? String == "60000")
            #expect(latest["bcr"] as? String == "1.875")
            #expect(latest["roi_percent"] as? String == "87.5")
            #expect(latest["payback_months"] as? String == "6.4")
            #expect(latest["completion_rate"] as? String == "1")
            #expect(latest["id"] == nil || latest["id"] is NSNull)
            #expect((roi.json["history"] as? [Any])?.isEmpty == true)

            // The worker's job was queued in the same transactions, once per minute for the whole burst (twice
            // if the burst crossed a minute).
            let jobs = try await fixture.ownerPool.withConnection { connection in
                try await connection.query(
                    "SELECT args ->> 'org_id' AS org FROM queue.jobs WHERE kind = 'ld.compute_roi'"
                ).map { try $0.decode("org", as: String.self).lowercased() }
            }
            #expect((1...2).contains(jobs.count))
            #expect(Set(jobs) == [org.uuidString.lowercased()])

            // The worker computes; the API then shows the stored snapshot.
            let worker = Store(pool: fixture.database.pool(user: "concord_worker"))
            _ = try await worker.write(TenantScope(orgID: org, actor: "test")) { try await $0.computeROI() }
            let stored = try await client.send(.get, "\(programme)/roi", key: key)
            let storedLatest = try #require(stored.json["latest"] as? [String: Any])
            #expect(storedLatest["roi_percent"] as? String == "87.5")
            #expect(storedLatest["id"] is String)
            #expect(stored.json["up_to_date"] as? Bool == true)
            #expect((stored.json["history"] as? [Any])?.count == 1)
            let all = try await client.send(.get, "\(base)/programme-roi", key: key)
            #expect((all.json["items"] as? [[String: Any]])?.first?["bcr"] as? String == "1.875")

            // Removing a cost marks the figures out of date until the worker runs again.
            let costs = try await client.send(.get, "\(programme)/costs", key: key)
            let costID = try #require((costs.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let removed = try await client.send(.delete, "\(programme)/costs/\(costID)", key: key)
            #expect(removed.status == .noContent)
            let stale = try await client.send(.get, "\(programme)/roi", key: key)
            #expect(stale.json["up_to_date"] as? Bool == false)

            // Another organisation's key sees nothing of it.
            for path in [programme, "\(programme)/roi", "\(programme)/costs", "\(base)/programme-roi"] {
                let foreign = try await client.send(.get, path, key: otherKey)
                #expect(foreign.status == .notFound, "\(path): \(foreign.status)")
            }
        }
    }

    @Test func badInputIsRefusedNamingTheField() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let created = try await client.send(
                .post, "/v1/orgs/\(org)/programmes", key: key, json: #"{"title":"Leading change"}"#)
            let programme = "/v1/orgs/\(org)/programmes/\(try #require(created.json["id"] as? String))"
            let measure = """
                "name":"quality","unit":"errors","baseline":"10","after":"8","direction":"lower_is_better",
                "period":"per_month","isolation_method":"trend_line","confidence":"0.9"
                """
            let cases: [(path: String, body: String, field: String)] = [
                ("costs", #"{"category":"delivery","amount":"-5"}"#, "amount"),
                ("costs", #"{"category":"delivery","amount":"12abc"}"#, "amount"),
                ("costs", #"{"category":"catering","amount":"5"}"#, "category"),
                ("measures", "{\(measure),\"unit_value\":\"35\",\"attribution\":\"1.2\"}", "attribution"),
                ("measures", "{\(measure),\"attribution\":\"0.5\"}", "unit_value"),
                ("participants", #"{"person_name":"Ida","reaction":"7"}"#, "reaction"),
            ]
            for item in cases {
                let response = try await client.send(.post, "\(programme)/\(item.path)", key: key, json: item.body)
                #expect(response.status == .unprocessableContent, "\(item.body): \(response.text)")
                #expect(response.headers[.contentType] == "application/problem+json")
                let errors = response.json["errors"] as? [[String: Any]]
                #expect(errors?.first?["field"] as? String == item.field, "\(item.body): \(response.text)")
            }
            let missing = try await client.send(
                .post, "/v1/orgs/\(org)/programmes/\(UUID())/costs", key: key,
                json: #"{"category":"delivery","amount":"5"}"#)
            #expect(missing.status == .notFound)
        }
    }
}
