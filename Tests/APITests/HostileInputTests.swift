import ConcordDomain
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Hostile JSON bodies through the live HTTP stack: each is answered with a 4xx problem+json, none crashes the
/// process or earns a 5xx, and the server still answers afterwards.
@Suite struct HostileInputTests {
    /// A route that reads a JSON body, with a body it accepts.
    struct Target {
        let method: HTTPRequest.Method
        let path: String
        let valid: [String: Any]
        var headers: HTTPFields = [:]
    }

    @Test func namedHostileBodiesGetA4xxProblem() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let targets = try await Self.targets(client, org: org, key: key)
            let areas = targets[0].path
            let ratings = targets[3].path
            let costs = targets[5].path
            let deepArray = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
            let deepObject =
                #"{"name":"# + String(repeating: #"{"a":"#, count: 10_000) + "1"
                + String(repeating: "}", count: 10_001)
            let rating = #""leader_id":"\#(targets[3].valid["leader_id"]!)""#
            var cases: [(name: String, path: String, body: [UInt8], status: Int)] = []
            cases.append(("10k nested arrays", areas, Array(deepArray.utf8), 400))
            cases.append(("10k nested objects", areas, Array(deepObject.utf8), 400))
            var invalidUTF8: [UInt8] = Array(#"{"name":""#.utf8)
            invalidUTF8 += [0xC3, 0x28, 0xFF]
            invalidUTF8 += Array(#""}"#.utf8)
            cases.append(("invalid UTF-8", areas, invalidUTF8, 400))
            cases.append(("a lone surrogate", areas, Array(#"{"name":"\ud800"}"#.utf8), 400))
            cases.append(("NUL in a string", areas, Array(#"{"name":"I\u0000T"}"#.utf8), 422))
            cases.append(("NUL in a key", areas, Array(#"{"name":"IT","\u0000":1}"#.utf8), 422))
            // A skin-tone modifier after the NUL joins it into one Character (Schemathesis found this one).
            cases.append(("NUL joined to a modifier", areas, Array(#"{"name":"I\u0000\ud83c\udffbT"}"#.utf8), 422))
            cases.append(("1e400", ratings, Array(#"{\#(rating),"priority":1e400}"#.utf8), 400))
            cases.append(("-0", ratings, Array(#"{\#(rating),"priority":-0}"#.utf8), 422))
            cases.append(("2^63", ratings, Array(#"{\#(rating),"priority":9223372036854775808}"#.utf8), 400))
            cases.append(("-2^63-1", ratings, Array(#"{\#(rating),"priority":-9223372036854775809}"#.utf8), 400))
            cases.append(("a fraction for an integer", ratings, Array(#"{\#(rating),"priority":3.5}"#.utf8), 400))
            cases.append(("money 1e400", costs, Array(#"{"category":"delivery","amount":1e400}"#.utf8), 400))
            cases.append(("money -1e400", costs, Array(#"{"category":"delivery","amount":-1e400}"#.utf8), 400))
            cases.append(("money 1e35", costs, Array(#"{"category":"delivery","amount":1e35}"#.utf8), 422))
            cases.append(("money 1e-400", costs, Array(#"{"category":"delivery","amount":"1e-400"}"#.utf8), 422))
            cases.append(("a string for a number", ratings, Array(#"{\#(rating),"priority":"3"}"#.utf8), 422))
            cases.append(("an object for a string", areas, Array(#"{"name":{"en":"IT"}}"#.utf8), 422))
            cases.append(("an array for the body", areas, Array(#"[{"name":"IT"}]"#.utf8), 422))
            cases.append(("a bare number", areas, Array("42".utf8), 422))
            cases.append(("a duplicate key", areas, Array(#"{"name":"IT","name":"HR"}"#.utf8), 400))
            cases.append(("a duplicate key, escaped", areas, Array(#"{"name":"IT","n\u0061me":"HR"}"#.utf8), 400))
            cases.append(
                ("a nested duplicate key", ratings, Array(#"{\#(rating),"priority":2,"priority":5}"#.utf8), 400))
            cases.append(("an unknown field", areas, Array(#"{"name":"IT","nmae":"HR"}"#.utf8), 422))
            cases.append(
                (
                    "an unknown nested field", targets[6].path,
                    Array(#"{"node":{"kind":"goal","title":"G","colour":"red"},"parent_ids":[]}"#.utf8), 422
                ))
            cases.append(
                (
                    "an unknown field in a list", targets[7].path,
                    Array(#"{"ratings":[{\#(rating),"priority":2,"prio":3}]}"#.utf8), 422
                ))
            cases.append(("truncated", areas, Array(#"{"name":"I"#.utf8), 400))
            cases.append(("NaN", ratings, Array(#"{\#(rating),"priority":NaN}"#.utf8), 400))
            for hostile in cases {
                let response = try await client.execute(
                    uri: hostile.path, method: .post, headers: Self.headers(key), body: ByteBuffer(bytes: hostile.body))
                #expect(response.status.code == hostile.status, "\(hostile.name): \(response.text.prefix(300))")
                Self.expectProblem(response, hostile.name)
            }

            // An unknown field is named, in a create, in a list and in a merge patch.
            let typo = try await client.send(.post, areas, key: key, json: #"{"name":"IT","parent":null}"#)
            #expect(MalformedInputTests.fields(typo) == ["parent"], "\(typo.text)")
            let listed = try await client.send(
                .post, targets[7].path, key: key, json: #"{"ratings":[{\#(rating),"priority":2,"prio":3}]}"#)
            #expect(MalformedInputTests.fields(listed) == ["ratings.[].prio"], "\(listed.text)")
            let patch = try await client.send(
                .patch, targets[4].path, key: key, json: #"{"naem":"Ops"}"#, headers: [.ifMatch: "\"1\""])
            #expect(patch.status == .unprocessableContent, "\(patch.text)")
            #expect(MalformedInputTests.fields(patch) == ["naem"], "\(patch.text)")

            // Beyond the body limit: 413, whether the body is JSON or not.
            let limit = 1_048_576
            for path in [areas, ratings] {
                let huge = #"{"name":""# + String(repeating: "a", count: limit + 1) + #""}"#
                let response = try await client.execute(
                    uri: path, method: .post, headers: Self.headers(key), body: ByteBuffer(string: huge))
                #expect(response.status == .contentTooLarge, "\(path): \(response.text.prefix(300))")
                Self.expectProblem(response, "a body over the limit")
            }
            let alive = try await client.execute(uri: "/healthz", method: .get)
            #expect(alive.status == .ok)
        }
    }

    /// Valid bodies mutated at random (seeded: `CONCORD_FUZZ_SEED=<n>` replays a run): wrong types, hostile
    /// numbers and strings, unknown and duplicate fields, cut and corrupted bytes, sent to every target.
    @Test func mutatedBodiesNeverGetA5xx() async throws {
        let seed = Mutations.seed
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let targets = try await Self.targets(client, org: org, key: key)
            var random = SplitMix64(seed: seed)
            for round in 0..<400 {
                let target = targets[Int(random.next() % UInt64(targets.count))]
                let body = HostileJSON.mutate(target.valid, using: &random)
                var headers = Self.headers(key)
                headers.append(contentsOf: target.headers)
                let response = try await client.execute(
                    uri: target.path, method: target.method, headers: headers, body: ByteBuffer(bytes: body))
                let what =
                    "seed \(seed) round \(round) \(target.method) \(target.path) \(String(decoding: body.prefix(300), as: UTF8.self))"
                #expect(response.status.code < 500, "\(what): \(response.text.prefix(300))")
                if response.status.code >= 400 { Self.expectProblem(response, what) }
            }
            let alive = try await client.execute(uri: "/healthz", method: .get)
            #expect(alive.status == .ok)
        }
    }

    static func headers(_ key: String) -> HTTPFields {
        [.authorization: "Bearer \(key)", .contentType: "application/json"]
    }

    static func expectProblem(
        _ response: TestResponse, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            response.headers[.contentType] == "application/problem+json", "\(what)", sourceLocation: sourceLocation)
        #expect(
            response.json["status"] as? Int == response.status.code, "\(what): \(response.text.prefix(300))",
            sourceLocation: sourceLocation)
    }

    /// Routes reading JSON bodies of several shapes, over seeded rows: areas, leaders, initiatives, ratings,
    /// a merge patch, programme costs, goal tree nodes and rating batches.
    static func targets(_ client: some TestClientProtocol, org: UUID, key: String) async throws -> [Target] {
        let base = "/v1/orgs/\(org)"
        func create(_ path: String, _ json: String) async throws -> [String: Any] {
            let response = try await client.send(.post, "\(base)/\(path)", key: key, json: json)
            #expect(response.status == .created, "\(path): \(response.text)")
            return response.json
        }
        let area = try #require(try await create("areas", #"{"name":"IT"}"#)["id"] as? String)
        let leader = try #require(
            try await create("leaders", #"{"name":"Ida","area_id":"\#(area)"}"#)["id"] as? String)
        let initiative = try #require(
            try await create("initiatives", #"{"title":"ERP","lead_area_id":"\#(area)","importance":3}"#)["id"]
                as? String)
        let programme = try #require(try await create("programmes", #"{"title":"Coaching"}"#)["id"] as? String)
        let tree = try await create("goal-trees", #"{"name":"Strategy","goal":{"kind":"goal","title":"Grow"}}"#)
        let treeID = try #require((tree["tree"] as? [String: Any])?["id"] as? String)
        let goal = try #require((tree["goal"] as? [String: Any])?["id"] as? String)
        return [
            Target(method: .post, path: "\(base)/areas", valid: ["name": "Quality", "external_key": "q"]),
            Target(method: .post, path: "\(base)/leaders", valid: ["name": "Bo", "area_id": area, "channels": [:]]),
            Target(
                method: .post, path: "\(base)/initiatives",
                valid: [
                    "title": "CRM", "lead_area_id": area, "importance": 4, "target_date": "2027-01-31",
                    "supporting_areas": [["area_id": area, "support": "test"]],
                ]),
            Target(
                method: .post, path: "\(base)/initiatives/\(initiative)/ratings",
                valid: ["leader_id": leader, "priority": 3, "buy_in": "committed", "rated_at": "2026-03-29T10:00:00Z"]),
            Target(
                method: .patch, path: "\(base)/areas/\(area)", valid: ["name": "IT", "head_leader_id": leader],
                headers: [.ifMatch: "\"1\""]),
            Target(
                method: .post, path: "\(base)/programmes/\(programme)/costs",
                valid: ["category": "delivery", "amount": "1200.50", "description": "trainer"]),
            Target(
                method: .post, path: "\(base)/goal-trees/\(treeID)/nodes",
                valid: [
                    "node": ["kind": "critical_success_factor", "title": "Sell", "confidence": 70],
                    "parent_ids": [goal],
                ]),
            Target(
                method: .post, path: "\(base)/initiatives/\(initiative)/ratings/batch",
                valid: ["ratings": [["leader_id": leader, "priority": 2], ["leader_id": leader, "priority": 5]]]),
        ]
    }
}
