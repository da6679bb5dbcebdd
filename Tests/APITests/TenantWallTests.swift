import ConcordAPI
import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route the router knows, tried with another organisation's ids: nothing is seen and nothing
/// changes. The routes come from the router itself, so a route added later is covered without edits.
@Suite struct TenantWallTests {
    struct Seeded {
        let org: UUID
        let ids: [String: String]
    }

    /// Organisation A with one of everything, made through the API with A's own key.
    func seed(_ client: some TestClientProtocol, org: UUID, key: String) async throws -> Seeded {
        let base = "/v1/orgs/\(org)"
        let area =
            try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#).json["id"] as! String
        let leader =
            try await client.send(
                .post, "\(base)/leaders", key: key,
                json: #"{"name":"Ida","area_id":"\#(area)","is_executive":false,"is_hr":false,"channels":{}}"#
            ).json["id"] as! String
        let initiative =
            try await client.send(
                .post, "\(base)/initiatives", key: key,
                json: #"{"title":"ERP","lead_area_id":"\#(area)","importance":3,"supporting_areas":[]}"#
            ).json["id"] as! String
        let tree = try await client.send(
            .post, "\(base)/goal-trees", key: key,
            json: #"{"name":"S","goal":{"kind":"goal","title":"G","status":"green"}}"#)
        let treeID = (tree.json["tree"] as! [String: Any])["id"] as! String
        let goalID = (tree.json["goal"] as! [String: Any])["id"] as! String
        let programme =
            try await client.send(.post, "\(base)/programmes", key: key, json: #"{"title":"Leading change"}"#)
            .json["id"] as! String
        let cost =
            try await client.send(
                .post, "\(base)/programmes/\(programme)/costs", key: key,
                json: #"{"category":"delivery","amount":"100"}"#
            ).json["id"] as! String
        return Seeded(
            org: org,
            ids: [
                "id": initiative, "tree": treeID, "node": goalID, "parent": goalID, "initiative": initiative,
                "area": area, "leader": leader, "programme": programme, "item": cost,
            ])
    }

    /// A's id for each path parameter; `{id}` depends on the resource the path names.
    func path(_ template: String, org: UUID, a: Seeded) -> String {
        var resource = "initiative"
        return "/"
            + template.split(separator: "/").map { part -> String in
                if part == "areas" { resource = "area" }
                if part == "leaders" { resource = "leader" }
                if part == "programmes" { resource = "programme" }
                guard part.hasPrefix("{") else { return String(part) }
                let name = String(part.dropFirst().dropLast())
                if name == "org" { return org.uuidString }
                if name == "id" { return a.ids[resource]! }
                return a.ids[name] ?? UUID().uuidString
            }.joined(separator: "/")
    }

    @Test func anotherOrganisationsIdsAreNotFoundOnEveryRoute() async throws {
        let fixture = try await APIFixture.make()
        let orgA = try await fixture.createOrganisation("Acme")
        let orgB = try await fixture.createOrganisation("Globex")
        let keyA = try await fixture.key(for: orgA).secret
        let keyB = try await fixture.key(for: orgB).secret
        let consultancyB = try await fixture.consultancyKey(granted: [orgB])
        let routes = APIServer.makeRouter(
            APIDependencies(
                store: Store(pool: fixture.apiPool), keys: KeyDirectory(pool: fixture.apiPool), keyCacheLifetime: .zero)
        ).routes.filter { "\($0.path)".contains("{org}") }.map { (method: $0.method, path: "\($0.path)") }
        #expect(routes.count >= 20)
        try await fixture.application().test(.live) { client in
            let a = try await seed(client, org: orgA, key: keyA)
            let before = try await client.send(.get, "/v1/orgs/\(orgA)/initiatives/\(a.ids["id"]!)", key: keyA).text
            let body =
                #"{"name":"x","title":"x","stage":"closed","health":"off_track","importance":1,"leader_id":"\#(a.ids["leader"]!)","priority":1,"parent_id":"\#(a.ids["node"]!)","ratings":[]}"#
            for route in routes {
                for key in [keyB, consultancyB] {
                    // A's organisation in the path: as if it did not exist.
                    let json = [.post, .put, .patch].contains(route.method) ? body : nil
                    let direct = try await client.send(
                        route.method, path("\(route.path)", org: orgA, a: a), key: key, json: json,
                        headers: [.ifMatch: "\"1\""])
                    #expect(direct.status == .notFound, "\(route.method) \(route.path) with A's org: \(direct.status)")
                    // B's own organisation with A's ids inside: nothing of A's is reached.
                    let crossed = try await client.send(
                        route.method, path("\(route.path)", org: orgB, a: a), key: key, json: json,
                        headers: [.ifMatch: "\"1\""])
                    let last = "\(route.path)".split(separator: "/").last.map(String.init) ?? ""
                    // The organisation's own collections and settings (B's, reached with B's key).
                    let topLevel = [
                        "areas", "leaders", "initiatives", "goal-trees", "programmes", "programme-roi", "skills",
                        "skill-gaps", "alignment-gate", "webhook-endpoints", "assessment-frameworks", "assessments",
                        "questions", "checks",
                    ].contains(last)
                    if route.method == .get && topLevel {
                        let items = crossed.json["items"] as? [[String: Any]] ?? []
                        let ids = Set(a.ids.values.map { $0.lowercased() })
                        #expect(
                            !items.contains { ids.contains(($0["id"] as? String ?? "").lowercased()) },
                            "\(route.path) listed A's rows")
                    } else if !(route.method == .post && topLevel) {
                        // Only creating B's own top-level rows may succeed; anything that names A's ids fails.
                        #expect(
                            !(200..<300).contains(crossed.status.code),
                            "\(route.method) \(route.path) with A's ids answered \(crossed.status)")
                    }
                }
            }
            let after = try await client.send(.get, "/v1/orgs/\(orgA)/initiatives/\(a.ids["id"]!)", key: keyA).text
            #expect(before == after, "A's initiative changed")
            let treeAfter = try await client.send(.get, "/v1/orgs/\(orgA)/goal-trees/\(a.ids["tree"]!)", key: keyA)
            #expect((treeAfter.json["nodes"] as? [Any])?.count == 1, "A's tree changed")
        }
    }
}
