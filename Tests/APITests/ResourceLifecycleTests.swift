import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Each resource through its life over a real socket: create, read, list, update with If-Match, archive.
@Suite struct ResourceLifecycleTests {
    @Test func anInitiativeLivesThroughCreateReadUpdateStageAndArchive() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let it = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#)
            #expect(it.status == .created)
            let itID = try #require(it.json["id"] as? String)
            let quality = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"Quality"}"#)
            let qualityID = try #require(quality.json["id"] as? String)
            let leader = try await client.send(
                .post, "\(base)/leaders", key: key,
                json:
                    #"{"name":"Ida","email":"ida@acme.test","area_id":"\#(itID)","is_executive":false,"is_hr":false,"channels":{}}"#
            )
            #expect(leader.status == .created, "\(leader.text)")
            let leaderID = try #require(leader.json["id"] as? String)
            let head = try await client.send(
                .patch, "\(base)/areas/\(itID)", key: key, json: #"{"head_leader_id":"\#(leaderID)"}"#,
                headers: [.ifMatch: "\"1\""])
            #expect(head.status == .ok, "\(head.text)")
            #expect(head.headers[.eTag] == "\"2\"")

            let created = try await client.send(
                .post, "\(base)/initiatives", key: key,
                json: """
                    {"title":"ERP rollout","lead_area_id":"\(itID)","importance":4,
                     "supporting_areas":[{"area_id":"\(qualityID)","support":"define requirements and test"}]}
                    """)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.location]?.hasPrefix("\(base)/initiatives/") == true)
            let id = try #require(created.json["id"] as? String)

            let detail = try await client.send(.get, "\(base)/initiatives/\(id)", key: key)
            #expect(detail.status == .ok)
            #expect(detail.headers[.eTag] == "\"1\"")
            let alignment = try #require(detail.json["alignment"] as? [String: Any])
            // Ida heads IT and has not rated: missing counts as not aligned.
            #expect(
                (alignment["missing"] as? [String])?.contains(where: { $0.lowercased() == leaderID.lowercased() })
                    == true)

            let stale = try await client.send(
                .patch, "\(base)/initiatives/\(id)", key: key, json: #"{"importance":5}"#,
                headers: [.ifMatch: "\"7\""])
            #expect(stale.status == .preconditionFailed)
            let missingIfMatch = try await client.send(
                .patch, "\(base)/initiatives/\(id)", key: key, json: #"{"importance":5}"#)
            #expect(missingIfMatch.status.code == 428)
            let updated = try await client.send(
                .patch, "\(base)/initiatives/\(id)", key: key, json: #"{"importance":5}"#,
                headers: [.ifMatch: "\"1\""])
            #expect(updated.status == .ok)
            #expect(updated.json["importance"] as? Int == 5)
            let staged = try await client.send(
                .post, "\(base)/initiatives/\(id)/stage", key: key, json: #"{"stage":"initiating"}"#,
                headers: [.ifMatch: updated.headers[.eTag]!])
            #expect(staged.json["stage"] as? String == "initiating")

            let rating = try await client.send(
                .post, "\(base)/initiatives/\(id)/ratings", key: key,
                json: #"{"leader_id":"\#(leaderID)","priority":5,"buy_in":"committed"}"#)
            #expect(rating.status == .created, "\(rating.text)")
            let after = try await client.send(.get, "\(base)/initiatives/\(id)", key: key)
            let afterAlignment = try #require(after.json["alignment"] as? [String: Any])
            #expect((afterAlignment["aligned"] as? [String])?.count == 1)

            let list = try await client.send(.get, "\(base)/initiatives?stage=initiating", key: key)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
            let none = try await client.send(.get, "\(base)/initiatives?stage=closed", key: key)
            #expect((none.json["items"] as? [[String: Any]])?.isEmpty == true)
            let badFilter = try await client.send(.get, "\(base)/initiatives?stage=nonsense", key: key)
            #expect(badFilter.status == .unprocessableContent)

            let archived = try await client.send(
                .delete, "\(base)/initiatives/\(id)", key: key, headers: [.ifMatch: staged.headers[.eTag]!])
            #expect(archived.status == .ok)
            #expect(archived.json["archived_at"] != nil)
        }
    }

    @Test func badInputGetsProblemJSONNamingTheFieldAndRule() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let area = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#)
            let areaID = try #require(area.json["id"] as? String)
            let tooImportant = try await client.send(
                .post, "\(base)/initiatives", key: key,
                json: #"{"title":"X","lead_area_id":"\#(areaID)","importance":6,"supporting_areas":[]}"#)
            #expect(tooImportant.status == .unprocessableContent)
            #expect(tooImportant.headers[.contentType] == "application/problem+json")
            let errors = tooImportant.json["errors"] as? [[String: Any]]
            #expect(errors?.first?["field"] as? String == "importance")
            #expect(errors?.first?["rule"] as? String == "initiatives_importance_range")

            let missingField = try await client.send(.post, "\(base)/initiatives", key: key, json: #"{"title":"X"}"#)
            #expect(missingField.status == .unprocessableContent)
            #expect((missingField.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "required")

            let notJSON = try await client.send(.post, "\(base)/areas", key: key, json: "{nope")
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.headers[.contentType] == "application/problem+json")

            let huge = String(repeating: "x", count: 2_000_000)
            let tooLarge = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"\#(huge)"}"#)
            #expect(tooLarge.status == .contentTooLarge)
        }
    }

    @Test func aRetriedCreateWithTheSameIdempotencyKeyMakesOneRow() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "create-it-1"]
            let first = try await client.send(
                .post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#, headers: headers)
            let second = try await client.send(
                .post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#, headers: headers)
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(first.json["id"] as? String == second.json["id"] as? String)
            // The retry is answered as the first request was, headers included.
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.headers[.eTag] == "\"1\"")
            let list = try await client.send(.get, "\(base)/areas", key: key)
            #expect((list.json["items"] as? [[String: Any]])?.count == 1)
            let reused = try await client.send(
                .post, "\(base)/areas", key: key, json: #"{"name":"Quality"}"#, headers: headers)
            #expect(reused.status == .unprocessableContent)
        }
    }

    @Test func aGoalTreeComesBackRolledUpAndRefusesACycle() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)/goal-trees"
            let tree = try await client.send(
                .post, base, key: key,
                json:
                    #"{"name":"Strategy","goal":{"kind":"goal","title":"Profitable growth","status":"green","confidence":90}}"#
            )
            #expect(tree.status == .created, "\(tree.text)")
            let treeID = try #require((tree.json["tree"] as? [String: Any])?["id"] as? String)
            let goalID = try #require((tree.json["goal"] as? [String: Any])?["id"] as? String)
            func add(_ title: String, status: String, confidence: Int, parents: [String]) async throws -> String {
                let parentList = parents.map { "\"\($0)\"" }.joined(separator: ",")
                let response = try await client.send(
                    .post, "\(base)/\(treeID)/nodes", key: key,
                    json: """
                        {"node":{"kind":"\(parents == [goalID] ? "critical_success_factor" : "necessary_condition")",
                        "title":"\(title)","status":"\(status)","confidence":\(confidence)},"parent_ids":[\(parentList)]}
                        """)
                #expect(response.status == .created, "\(response.text)")
                return response.json["id"] as? String ?? ""
            }
            let csf1 = try await add("Reliable delivery", status: "green", confidence: 80, parents: [goalID])
            let csf2 = try await add("Happy customers", status: "green", confidence: 85, parents: [goalID])
            // One necessary condition serves both factors, and it is red.
            let shared = try await add("Trained staff", status: "red", confidence: 40, parents: [csf1, csf2])
            let snapshot = try await client.send(.get, "\(base)/\(treeID)", key: key)
            let nodes = try #require(snapshot.json["nodes"] as? [[String: Any]])
            func rolled(_ id: String) -> (String?, Int?) {
                let node = nodes.first {
                    (($0["node"] as? [String: Any])?["id"] as? String)?.lowercased() == id.lowercased()
                }
                return (node?["rolled_up_status"] as? String, node?["rolled_up_confidence"] as? Int)
            }
            #expect(rolled(csf1) == ("red", 40))
            #expect(rolled(csf2) == ("red", 40))
            #expect(rolled(goalID) == ("red", 40))
            let cycle = try await client.send(
                .post, "\(base)/\(treeID)/nodes/\(csf1)/parents", key: key, json: #"{"parent_id":"\#(shared)"}"#)
            #expect(cycle.status == .unprocessableContent)
            #expect((cycle.json["errors"] as? [[String: Any]])?.first?["rule"] as? String == "goal_links_no_cycle")
        }
    }

    @Test func aNodeIsReachedOnlyThroughItsOwnTreesPath() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)/goal-trees"
            func tree(_ name: String) async throws -> (tree: String, goal: String) {
                let created = try await client.send(
                    .post, base, key: key, json: #"{"name":"\#(name)","goal":{"kind":"goal","title":"\#(name)"}}"#)
                return (
                    try #require((created.json["tree"] as? [String: Any])?["id"] as? String),
                    try #require((created.json["goal"] as? [String: Any])?["id"] as? String)
                )
            }
            let (first, goal) = try await tree("Growth")
            let (other, _) = try await tree("Costs")
            let node = try #require(
                try await client.send(
                    .post, "\(base)/\(first)/nodes", key: key,
                    json: #"{"node":{"kind":"critical_success_factor","title":"Delivery"},"parent_ids":["\#(goal)"]}"#
                ).json["id"] as? String)
            // The same node through the other tree's path: as if it did not exist, and it stays.
            let wrong = "\(base)/\(other)/nodes/\(node)"
            let attempts: [(HTTPRequest.Method, String, String?)] = [
                (.delete, wrong, nil),
                (.post, "\(wrong)/parents", #"{"parent_id":"\#(goal)"}"#),
                (.delete, "\(wrong)/parents/\(goal)", nil),
                (.post, "\(wrong)/move", #"{"from_parent_id":"\#(goal)","to_parent_id":"\#(goal)"}"#),
            ]
            for (method, path, json) in attempts {
                let response = try await client.send(method, path, key: key, json: json)
                #expect(response.status == .notFound, "\(method) \(path): \(response.status)")
            }
            let snapshot = try await client.send(.get, "\(base)/\(first)", key: key)
            #expect((snapshot.json["nodes"] as? [Any])?.count == 2, "the node and its link are still there")
        }
    }
}
