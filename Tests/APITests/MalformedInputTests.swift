import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Inputs Schemathesis found or suggested: each is the client's mistake and gets a 4xx naming the field,
/// never a 500 or a misleading "not valid JSON".
@Suite struct MalformedInputTests {
    @Test func malformedInputIsAClientErrorNamingTheField() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let base = "/v1/orgs/\(org)"
            let area = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"IT"}"#)
            let areaID = try #require(area.json["id"] as? String)
            let leader = try await client.send(
                .post, "\(base)/leaders", key: key, json: #"{"name":"Ida","area_id":"\#(areaID)"}"#)
            let leaderID = try #require(leader.json["id"] as? String)
            let initiative = try await client.send(
                .post, "\(base)/initiatives", key: key,
                json: #"{"title":"ERP","lead_area_id":"\#(areaID)","importance":3}"#)
            let initiativeID = try #require(initiative.json["id"] as? String)

            // A merge patch that is not JSON, or empty.
            for body in ["not json", ""] {
                let patch = try await client.send(
                    .patch, "\(base)/areas/\(areaID)", key: key, json: body, headers: [.ifMatch: "\"1\""])
                #expect(patch.status == .badRequest, "\(body): \(patch.text)")
                #expect(patch.headers[.contentType] == "application/problem+json")
            }

            // The same supporting area twice is refused, not a 500 from the upsert.
            let twice = try await client.send(
                .put, "\(base)/initiatives/\(initiativeID)/supporting-areas", key: key,
                json: #"[{"area_id":"\#(areaID)","support":"a"},{"area_id":"\#(areaID)","support":"b"}]"#,
                headers: [.ifMatch: "\"1\""])
            #expect(twice.status == .unprocessableContent, "\(twice.text)")
            #expect(Self.fields(twice) == ["area_id"])

            // A time that is not one names its field.
            let ratings = "\(base)/initiatives/\(initiativeID)/ratings"
            let empty = try await client.send(
                .post, ratings, key: key, json: #"{"leader_id":"\#(leaderID)","priority":3,"rated_at":""}"#)
            #expect(empty.status == .unprocessableContent, "\(empty.text)")
            #expect(Self.fields(empty) == ["rated_at"])
            // RFC 3339 allows fractional seconds and a lower-case t and z.
            for time in ["2026-03-29T10:00:00.123Z", "2026-03-29t10:00:00z", "2026-03-29T12:00:00+02:00"] {
                let rated = try await client.send(
                    .post, ratings, key: key, json: #"{"leader_id":"\#(leaderID)","priority":3,"rated_at":"\#(time)"}"#)
                #expect(rated.status == .created, "\(time): \(rated.text)")
            }

            // PostgreSQL text cannot hold U+0000: 422 naming the field, in creates, patches and nested fields.
            let nul = try await client.send(.post, "\(base)/areas", key: key, json: #"{"name":"I\u0000T"}"#)
            #expect(nul.status == .unprocessableContent, "\(nul.text)")
            #expect(Self.fields(nul) == ["name"])
            let batch = try await client.send(
                .post, "\(ratings)/batch", key: key,
                json: #"{"ratings":[{"leader_id":"\#(leaderID)","priority":3,"resistance_note":"no\u0000"}]}"#)
            #expect(Self.fields(batch) == ["ratings.[0].resistance_note"], "\(batch.text)")
            let channels = try await client.send(
                .patch, "\(base)/leaders/\(leaderID)", key: key, json: #"{"channels":{"sl\u0000ck":"U1"}}"#,
                headers: [.ifMatch: "\"1\""])
            #expect(channels.status == .unprocessableContent, "\(channels.text)")
            #expect(Self.fields(channels) == ["channels"])

            // A known path with a method it does not answer to: 405 with Allow, not 404.
            let wrongMethod = try await client.send(.delete, "\(base)/areas", key: key)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "GET, POST")
            #expect(wrongMethod.headers[.contentType] == "application/problem+json")
            let unknown = try await client.send(.delete, "\(base)/nothing-here", key: key)
            #expect(unknown.status == .notFound)
        }
    }

    static func fields(_ response: TestResponse) -> [String] {
        (response.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}
