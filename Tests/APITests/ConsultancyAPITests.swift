import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// Consultancy operations over HTTP: CSV in and out, archived organisations refused, and the portfolio a
/// consultancy key sees across exactly the organisations granted to it.
@Suite struct ConsultancyAPITests {
    static let areas = "\u{FEFF}key,name,parent_key,\r\nops,Operations,,\r\nit,\"IT, Infra\",ops,\r\n"
    static let leaders =
        "key,name,email,area_key,head,executive,hr,timezone\r\nL1,Ann,ann@acme.test,it,yes,yes,,\r\n"
        + "L2,Bob,bob@acme.test,ops,yes,,,\r\n"

    func csv(_ client: some TestClientProtocol, _ path: String, key: String, _ body: String, type: String = "text/csv")
        async throws -> TestResponse
    {
        try await client.execute(
            uri: path, method: .post, headers: [.authorization: "Bearer \(key)", .contentType: type],
            body: ByteBuffer(string: body))
    }

    @Test func importsAllOrNothingAndExportsTheSameShape() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let reader = try await fixture.key(for: org, scopes: [.read]).secret
        try await fixture.application().test(.live) { client in
            let first = try await csv(client, "/v1/orgs/\(org)/imports/areas", key: key, Self.areas)
            #expect(first.status == .ok, "\(first.text)")
            #expect(first.json["inserted"] as? Int == 2 && first.json["kind"] as? String == "areas")
            let second = try await csv(client, "/v1/orgs/\(org)/imports/areas", key: key, Self.areas)
            #expect(second.json["inserted"] as? Int == 0 && second.json["updated"] as? Int == 0)

            let bad = "key,name,email,area_key\r\nL1,Ann,ann.acme.test,it\r\nL2,,bob@acme.test,hr\r\n"
            let refused = try await csv(client, "/v1/orgs/\(org)/imports/leaders", key: key, bad)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let errors = try #require(refused.json["errors"] as? [[String: Any]])
            #expect(errors.map { $0["line"] as? Int } == [2, 3, 3])
            #expect(errors.map { $0["field"] as? String } == ["email", "name", "area_key"])
            let leaders = try await client.send(.get, "/v1/orgs/\(org)/leaders", key: key)
            #expect((leaders.json["items"] as? [Any])?.isEmpty == true)

            let loaded = try await csv(client, "/v1/orgs/\(org)/imports/leaders", key: key, Self.leaders)
            #expect(loaded.json["inserted"] as? Int == 2, "\(loaded.text)")
            let exported = try await client.send(
                .get, "/v1/orgs/\(org)/exports/leaders", key: reader, headers: [.accept: "text/csv"])
            #expect(exported.status == .ok)
            #expect(exported.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(
                exported.text
                    == "key,name,email,area_key,head,executive,hr,timezone\r\nL1,Ann,ann@acme.test,it,yes,yes,no,\r\n"
                    + "L2,Bob,bob@acme.test,ops,yes,no,no,\r\n")

            let wrongType = try await csv(
                client, "/v1/orgs/\(org)/imports/areas", key: key, "{}", type: "application/json")
            #expect(wrongType.status == .unsupportedMediaType)
            let readOnly = try await csv(client, "/v1/orgs/\(org)/imports/areas", key: reader, Self.areas)
            #expect(readOnly.status == .forbidden)
            let unknown = try await csv(client, "/v1/orgs/\(org)/imports/budgets", key: key, Self.areas)
            #expect(unknown.status == .notFound)
        }
    }

    @Test func anArchivedOrganisationIsRefusedToItsKeysAndGrants() async throws {
        let fixture = try await APIFixture.make()
        let archived = try await fixture.createOrganisation("Gone")
        let kept = try await fixture.createOrganisation("Kept")
        let own = try await fixture.key(for: archived).secret
        let consultancy = try await fixture.consultancyKey(granted: [archived, kept])
        _ = try await fixture.provisioning.archiveOrganisation(archived.uuidString)
        try await fixture.application().test(.live) { client in
            #expect(try await client.send(.get, "/v1/orgs/\(archived)/areas", key: own).status == .unauthorized)
            #expect(try await client.send(.get, "/v1/orgs/\(archived)/areas", key: consultancy).status == .notFound)
            #expect(try await client.send(.get, "/v1/orgs/\(kept)/areas", key: consultancy).status == .ok)
            let listed = try await client.send(.get, "/v1/orgs", key: consultancy)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [kept.uuidString])
        }
    }

    @Test func aConsultancyKeySeesOnlyItsGrantedOrganisationsSortedAndPaged() async throws {
        let fixture = try await APIFixture.make()
        let store = Store(pool: fixture.apiPool)
        var orgs: [UUID] = []
        for name in ["Alpha", "Beta", "Gamma", "Delta"] {
            let org = try await fixture.createOrganisation(name)
            orgs.append(org)
            let scope = TenantScope(orgID: org, actor: "test")
            _ = try await store.importCSV(.areas, Array(Self.areas.utf8), scope: scope)
            _ = try await store.importCSV(.leaders, Array(Self.leaders.utf8), scope: scope)
            let initiatives = """
                key,title,lead_area_key,supporting_areas,importance,health
                I1,\(name) ERP,it,ops,5,at_risk
                I2,\(name) Lean,ops,,3,on_track
                """
            _ = try await store.importCSV(.initiatives, Array(initiatives.utf8), scope: scope)
        }
        let (alpha, beta, gamma, delta) = (orgs[0], orgs[1], orgs[2], orgs[3])
        // Beta's ERP is fully aligned; Alpha's Lean has two unanswered nudges; Gamma is not granted and
        // Delta is granted but archived.
        let ratings = """
            initiative_key,leader,priority,rated_at
            I1,ann@acme.test,5,\(ISO8601DateFormatter().string(from: Date()))
            I1,bob@acme.test,5,\(ISO8601DateFormatter().string(from: Date()))
            """
        _ = try await store.importCSV(.ratings, Array(ratings.utf8), scope: TenantScope(orgID: beta, actor: "test"))
        try await fixture.ownerPool.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, state, due_at, sent_at,
                                    token_hash, token_expires_at, channel)
                SELECT i.org_id, i.id, l.id, 'cadence', 'c1', 'sent', now(), now(),
                       sha256(convert_to(l.id::text, 'UTF8')), now() + interval '14 days', 'email'
                FROM initiatives AS i JOIN leaders AS l ON l.org_id = i.org_id
                WHERE i.org_id = \(alpha)::uuid AND i.external_key = 'I2'
                """)
            try await connection.execute(
                """
                INSERT INTO ld_programmes (org_id, title) VALUES (\(alpha)::uuid, 'Coaching'), (\(beta)::uuid, 'Academy'),
                  (\(gamma)::uuid, 'Secret')
                """)
            try await connection.execute(
                """
                INSERT INTO ld_roi_results (org_id, programme_id, inputs_version, horizon_months, total_cost,
                  annual_benefits, benefits, bcr, roi_percent, payback_months, payback_unavailable_reason, participants)
                SELECT p.org_id, p.id, 1, 12, 1000, v.benefits, v.benefits, v.benefits / 1000,
                       (v.benefits - 1000) / 10, 1000 / v.benefits * 12, NULL, 10
                FROM ld_programmes AS p
                JOIN (VALUES ('Coaching', 1500.0), ('Academy', 3000.0), ('Secret', 9000.0)) AS v (title, benefits)
                  ON v.title = p.title
                """)
        }
        let consultancy = try await fixture.consultancyKey(granted: [alpha, beta, delta], scopes: [.read])
        _ = try await fixture.provisioning.archiveOrganisation(delta.uuidString)
        let gammaKey = try await fixture.key(for: gamma, scopes: [.read]).secret

        try await fixture.application().test(.live) { client in
            func titles(_ path: String, key: String = consultancy) async throws -> [String] {
                let response = try await client.send(.get, path, key: key)
                #expect(response.status == .ok, "\(response.text)")
                return (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            }
            let worstFirst = try await titles("/v1/portfolio/initiatives")
            #expect(Set(worstFirst) == ["Alpha ERP", "Alpha Lean", "Beta ERP", "Beta Lean"])
            #expect(worstFirst.last == "Beta ERP")
            #expect(try await titles("/v1/portfolio/initiatives?sort=-alignment_index").first == "Beta ERP")
            #expect(try await titles("/v1/portfolio/initiatives?sort=-unanswered_nudges").first == "Alpha Lean")
            #expect(
                Set(try await titles("/v1/portfolio/initiatives?health=at_risk")) == ["Alpha ERP", "Beta ERP"])
            #expect(
                try await titles("/v1/portfolio/initiatives", key: gammaKey).sorted() == ["Gamma ERP", "Gamma Lean"])

            // One row per page gives the same rows in the same order, each once.
            var paged: [String] = []
            var next: String? = nil
            repeat {
                let after = next.map { "&after=\($0)" } ?? ""
                let response = try await client.send(
                    .get, "/v1/portfolio/initiatives?limit=1\(after)", key: consultancy)
                paged += (response.json["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                next = response.json["next"] as? String
            } while next != nil && paged.count < 10
            #expect(paged == worstFirst)

            let programmes = try await client.send(.get, "/v1/portfolio/programmes", key: consultancy)
            let items = programmes.json["items"] as? [[String: Any]] ?? []
            #expect(items.compactMap { $0["title"] as? String } == ["Academy", "Coaching"])
            #expect(items.first?["roi_percent"] as? String == "200")

            let badSort = try await client.send(.get, "/v1/portfolio/initiatives?sort=title", key: consultancy)
            #expect(badSort.status == .unprocessableContent)
            let firstPage = try await client.send(.get, "/v1/portfolio/initiatives?limit=1", key: consultancy)
            let cursor = try #require(firstPage.json["next"] as? String)
            let otherSort = try await client.send(
                .get, "/v1/portfolio/initiatives?sort=importance&after=\(cursor)", key: consultancy)
            #expect(otherSort.status == .unprocessableContent)
        }
    }
}
