import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Assessment frameworks and assessments over a real socket: their life cycles, the rules the schema enforces
/// refused as problem+json naming the field, versions, retries, tenants and scopes.
@Suite struct AssessmentAPITests {
    @Test func aFrameworkLivesThroughCreateEditDimensionsReorderAndArchive() async throws {
        try await Session.live { session in
            let (client, org, key) = (session.client, session.org, session.key)
            let base = "/v1/orgs/\(org)/assessment-frameworks"
            let twice = try await client.send(
                .post, base, key: key, json: #"{"name":"3C","dimensions":[{"name":"capacity"},{"name":"capacity"}]}"#)
            #expect(twice.status == .unprocessableContent)
            #expect(twice.headers[.contentType] == "application/problem+json")
            #expect(twice.fieldError?["field"] as? String == "dimensions[1].name")
            #expect(twice.fieldError?["rule"] as? String == "assessment_dimensions_name_unique")

            let created = try await client.send(
                .post, base, key: key,
                json:
                    #"{"name":"3C","description":"capacity, commitment, character","dimensions":[{"name":"capacity"},{"name":"commitment","description":"to the change"}]}"#
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers[.location] == "\(base)/\(id)")
            #expect(created.dimensionNames == ["capacity", "commitment"])
            let sameName = try await client.send(.post, base, key: key, json: #"{"name":"3C"}"#)
            #expect(sameName.status == .conflict)
            #expect(sameName.fieldError?["field"] as? String == "name")

            let renamed = try await client.send(
                .patch, "\(base)/\(id)", key: key, json: #"{"name":"Three Cs"}"#, headers: [.ifMatch: "\"1\""])
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(renamed.json["name"] as? String == "Three Cs")
            #expect(renamed.json["description"] as? String == "capacity, commitment, character", "kept")
            #expect(renamed.headers[.eTag] == "\"2\"")
            let stale = try await client.send(
                .patch, "\(base)/\(id)", key: key, json: #"{"name":"3C"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.headers[.contentType] == "application/problem+json")
            let unconditional = try await client.send(.patch, "\(base)/\(id)", key: key, json: #"{"name":"3C"}"#)
            #expect(unconditional.status.code == 428)

            let added = try await client.send(
                .post, "\(base)/\(id)/dimensions", key: key, json: #"{"name":"character"}"#)
            #expect(added.status == .created, "\(added.text)")
            #expect(added.json["position"] as? Int == 2)
            let character = try #require(added.json["id"] as? String)
            let blank = try await client.send(.post, "\(base)/\(id)/dimensions", key: key, json: #"{"name":"  "}"#)
            #expect(blank.fieldError?["field"] as? String == "name")
            #expect(blank.fieldError?["rule"] as? String == "assessment_dimensions_name_valid")
            let read = try await client.send(.get, "\(base)/\(id)", key: key)
            #expect(read.headers[.eTag] == "\"3\"", "adding a dimension moves the framework on")
            #expect(read.dimensionNames == ["capacity", "commitment", "character"])

            let staleEdit = try await client.send(
                .patch, "\(base)/\(id)/dimensions/\(character)", key: key, json: #"{"description":"integrity"}"#,
                headers: [.ifMatch: "\"2\""])
            #expect(staleEdit.status == .preconditionFailed)
            let edited = try await client.send(
                .patch, "\(base)/\(id)/dimensions/\(character)", key: key, json: #"{"description":"integrity"}"#,
                headers: [.ifMatch: "\"3\""])
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(edited.headers[.eTag] == "\"4\"")
            let dimensions = try #require(edited.json["dimensions"] as? [[String: Any]])
            #expect(dimensions.last?["description"] as? String == "integrity")
            let ids = dimensions.compactMap { $0["id"] as? String }

            let incomplete = try await client.send(
                .put, "\(base)/\(id)/dimension-order", key: key, json: #"{"dimension_ids":["\#(ids[0])"]}"#,
                headers: [.ifMatch: "\"4\""])
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.fieldError?["field"] as? String == "dimension_ids")
            let reordered = try await client.send(
                .put, "\(base)/\(id)/dimension-order", key: key,
                json: #"{"dimension_ids":["\#(ids[2])","\#(ids[0])","\#(ids[1])"]}"#, headers: [.ifMatch: "\"4\""])
            #expect(reordered.status == .ok, "\(reordered.text)")
            #expect(reordered.dimensionNames == ["character", "capacity", "commitment"])
            #expect(reordered.headers[.eTag] == "\"5\"")

            _ = try await client.send(.post, base, key: key, json: #"{"name":"Second"}"#)
            let first = try await client.send(.get, "\(base)?limit=1", key: key)
            #expect(first.items.map { $0["name"] as? String } == ["Three Cs"])
            #expect(first.items.first?["dimensions"] as? [[String: Any]] != nil, "a list item has its dimensions")
            let next = try #require(first.json["next"] as? String)
            let second = try await client.send(.get, "\(base)?limit=1&after=\(next)", key: key)
            #expect(second.items.map { $0["name"] as? String } == ["Second"])
            #expect(second.json["next"] == nil)

            let archived = try await client.send(.delete, "\(base)/\(id)", key: key, headers: [.ifMatch: "\"5\""])
            #expect(archived.status == .ok, "\(archived.text)")
            #expect(archived.json["archived_at"] != nil)
            #expect(try await client.send(.get, base, key: key).items.count == 1, "archived frameworks left out")
            #expect(try await client.send(.get, "\(base)?include_archived=true", key: key).items.count == 2)
            #expect(try await client.send(.get, "\(base)/\(id)", key: key).status == .ok, "still readable")
        }
    }

    @Test func anAssessmentIsRecordedReadListedCorrectedAndDeleted() async throws {
        try await Session.live { session in
            let (client, org, key, seed) = (session.client, session.org, session.key, try await session.seed())
            let base = "/v1/orgs/\(org)/assessments"
            let (capacity, commitment) = (seed.dimensions[0], seed.dimensions[1])
            func record(_ day: String, _ scores: String, leader: String? = nil) async throws -> TestResponse {
                try await client.send(
                    .post, base, key: key,
                    json: seed.assessment(on: day, leader: leader, more: #","notes":"first","scores":\#(scores)"#))
            }
            let created = try await record(
                "2026-03-01",
                #"[{"dimension_id":"\#(commitment)","score":80},{"dimension_id":"\#(capacity)","score":"72.5"}]"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers[.location] == "\(base)/\(id)")
            #expect(created.json["assessed_on"] as? String == "2026-03-01")
            #expect(created.scores == [capacity: "72.5", commitment: "80"], "exact decimal strings")
            #expect(
                (created.json["scores"] as? [[String: Any]])?.compactMap { $0["dimension_id"] as? String }
                    == [capacity, commitment], "in the framework's dimension order")

            let foreign = try await record("2026-03-02", #"[{"dimension_id":"\#(seed.otherDimension)","score":50}]"#)
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.headers[.contentType] == "application/problem+json")
            #expect(foreign.fieldError?["field"] as? String == "scores[0].dimension_id")
            #expect(foreign.fieldError?["rule"] as? String == "assessment_scores_dimension_fk")
            let tooHigh = try await record("2026-03-02", #"[{"dimension_id":"\#(capacity)","score":"100.5"}]"#)
            #expect(tooHigh.fieldError?["field"] as? String == "scores[0].score")
            #expect(tooHigh.fieldError?["rule"] as? String == "assessment_scores_score_range")
            let tooFine = try await record("2026-03-02", #"[{"dimension_id":"\#(capacity)","score":"70.125"}]"#)
            #expect(tooFine.fieldError?["field"] as? String == "scores[0].score")
            let unknownLeader = try await record("2026-03-02", "[]", leader: UUID().uuidString)
            #expect(unknownLeader.fieldError?["field"] as? String == "leader_id")
            #expect(unknownLeader.fieldError?["rule"] as? String == "assessments_leader_fk")
            let noAssessor = try await client.send(
                .post, base, key: key,
                json: seed.assessment(on: "2026-03-02", assessor: " "))
            #expect(noAssessor.fieldError?["field"] as? String == "assessor")
            #expect(noAssessor.fieldError?["rule"] as? String == "assessments_assessor_valid")

            let later = try await record("2026-05-01", #"[{"dimension_id":"\#(capacity)","score":75}]"#)
            let earlier = try await record("2026-01-15", "[]")
            let other = try await record("2026-04-01", "[]", leader: seed.otherLeader)
            for response in [later, earlier, other] { #expect(response.status == .created, "\(response.text)") }
            let ancient = try await record("0097-07-15", "[]", leader: seed.otherLeader)
            #expect(ancient.json["assessed_on"] as? String == "0097-07-15", "a date reads back as it was written")
            let laterID = try #require(later.json["id"] as? String)
            let earlierID = try #require(earlier.json["id"] as? String)

            let page1 = try await client.send(.get, "\(base)?leader_id=\(seed.leader)&limit=2", key: key)
            #expect(page1.status == .ok, "\(page1.text)")
            #expect(page1.items.compactMap { $0["id"] as? String } == [laterID, id], "newest first")
            let next = try #require(page1.json["next"] as? String)
            let page2 = try await client.send(.get, "\(base)?leader_id=\(seed.leader)&limit=2&after=\(next)", key: key)
            #expect(page2.items.compactMap { $0["id"] as? String } == [earlierID])
            #expect(page2.json["next"] == nil)
            let own = try await client.send(
                .get, "/v1/orgs/\(org)/leaders/\(seed.leader)/assessments?limit=2", key: key)
            #expect(own.items.compactMap { $0["id"] as? String } == [laterID, id], "the leader's own list")
            let unknown = try await client.send(.get, "/v1/orgs/\(org)/leaders/\(UUID())/assessments", key: key)
            #expect(unknown.status == .notFound)
            #expect(try await client.send(.get, "\(base)?framework_id=\(seed.framework)", key: key).items.count == 5)
            #expect(try await client.send(.get, "\(base)?framework_id=\(seed.otherFramework)", key: key).items.isEmpty)
            let badCursor = try await client.send(.get, "\(base)?after=nonsense", key: key)
            #expect(badCursor.status == .unprocessableContent)

            let corrected = try await client.send(
                .patch, "\(base)/\(id)", key: key,
                json: #"{"notes":"corrected","scores":[{"dimension_id":"\#(capacity)","score":"68"}]}"#,
                headers: [.ifMatch: "\"1\""])
            #expect(corrected.status == .ok, "\(corrected.text)")
            #expect(corrected.headers[.eTag] == "\"2\"")
            #expect(corrected.json["notes"] as? String == "corrected")
            #expect(corrected.json["assessor"] as? String == "coach", "kept")
            #expect(corrected.scores == [capacity: "68"], "scores replaced as a whole")
            let stale = try await client.send(
                .patch, "\(base)/\(id)", key: key, json: #"{"notes":"again"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            let crossCorrection = try await client.send(
                .patch, "\(base)/\(id)", key: key,
                json: #"{"scores":[{"dimension_id":"\#(seed.otherDimension)","score":"1"}]}"#,
                headers: [.ifMatch: "\"2\""])
            #expect(crossCorrection.fieldError?["field"] as? String == "scores[0].dimension_id")
            let otherLeader = try await client.send(
                .patch, "\(base)/\(id)", key: key, json: #"{"leader_id":"\#(seed.otherLeader)"}"#,
                headers: [.ifMatch: "\"2\""])
            #expect(otherLeader.status == .unprocessableContent, "the leader stays")
            let read = try await client.send(.get, "\(base)/\(id)", key: key)
            #expect(read.scores == [capacity: "68"])
            #expect(read.headers[.eTag] == "\"2\"")

            let staleDelete = try await client.send(.delete, "\(base)/\(id)", key: key, headers: [.ifMatch: "\"1\""])
            #expect(staleDelete.status == .preconditionFailed)
            let deleted = try await client.send(.delete, "\(base)/\(id)", key: key, headers: [.ifMatch: "\"2\""])
            #expect(deleted.status == .noContent)
            #expect(try await client.send(.get, "\(base)/\(id)", key: key).status == .notFound)

            let archive = try await client.send(
                .delete, "/v1/orgs/\(org)/assessment-frameworks/\(seed.framework)", key: key,
                headers: [.ifMatch: "\"1\""])
            #expect(archive.status == .ok)
            let onArchived = try await record("2026-06-01", "[]")
            #expect(onArchived.fieldError?["field"] as? String == "framework_id")
            #expect(onArchived.fieldError?["rule"] as? String == "framework_archived")
            #expect(try await client.send(.get, "\(base)/\(laterID)", key: key).status == .ok, "its assessments stay")
        }
    }

    @Test func aRetriedRecordWithTheSameIdempotencyKeyMakesOneAssessment() async throws {
        try await Session.live { session in
            let (client, org, key, seed) = (session.client, session.org, session.key, try await session.seed())
            let headers: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "assess-ida-1"]
            let json =
                seed.assessment(more: #","scores":[{"dimension_id":"\#(seed.dimensions[0])","score":"61.25"}]"#)
            let base = "/v1/orgs/\(org)/assessments"
            let first = try await client.send(.post, base, key: key, json: json, headers: headers)
            let retry = try await client.send(.post, base, key: key, json: json, headers: headers)
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(retry.json["id"] as? String == first.json["id"] as? String)
            #expect(retry.headers[.location] == first.headers[.location])
            #expect(retry.scores == [seed.dimensions[0]: "61.25"])
            #expect(try await client.send(.get, base, key: key).items.count == 1)

            let frameworks = "/v1/orgs/\(org)/assessment-frameworks"
            let frameworkKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "framework-1"]
            let made = try await client.send(
                .post, frameworks, key: key, json: #"{"name":"Once"}"#, headers: frameworkKey)
            let again = try await client.send(
                .post, frameworks, key: key, json: #"{"name":"Once"}"#, headers: frameworkKey)
            #expect(made.status == .created)
            #expect(again.status == .created, "a retry, not a name clash")
            #expect(again.json["id"] as? String == made.json["id"] as? String)
            let reused = try await client.send(
                .post, frameworks, key: key, json: #"{"name":"Twice"}"#, headers: frameworkKey)
            #expect(reused.status == .unprocessableContent)
        }
    }

    @Test func anotherOrganisationsFrameworksAndAssessmentsAreUnknownAndReadKeysOnlyRead() async throws {
        try await Session.live { session in
            let (client, acme, acmeKey, a) = (session.client, session.org, session.key, try await session.seed())
            let globex = session.other
            let globexKey = session.otherKey
            let b = try await session.seed(other: true)
            let reader = try await session.fixture.key(for: acme, scopes: [.read]).secret
            let assessment = try await client.send(
                .post, "/v1/orgs/\(globex)/assessments", key: globexKey,
                json: b.assessment(assessor: "Globex coach"))
            let bAssessment = try #require(assessment.json["id"] as? String)
            let base = "/v1/orgs/\(acme)"
            for path in ["/assessment-frameworks/\(b.framework)", "/assessments/\(bAssessment)"] {
                let read = try await client.send(.get, base + path, key: acmeKey)
                #expect(read.status == .notFound, "\(path)")
                #expect(!read.text.contains("Globex"))
                let inB = try await client.send(.get, "/v1/orgs/\(globex)\(path)", key: acmeKey)
                #expect(inB.status == .notFound, "B's organisation with A's key")
            }
            let withB = try await client.send(
                .post, "\(base)/assessments", key: acmeKey,
                json: a.assessment(framework: b.framework))
            #expect(withB.fieldError?["field"] as? String == "framework_id")
            let bDimension = try await client.send(
                .patch, "\(base)/assessment-frameworks/\(a.framework)/dimensions/\(b.dimensions[0])", key: acmeKey,
                json: #"{"name":"stolen"}"#, headers: [.ifMatch: "\"1\""])
            #expect(bDimension.status == .notFound)
            let bLeader = try await client.send(.get, "\(base)/leaders/\(b.leader)/assessments", key: acmeKey)
            #expect(bLeader.status == .notFound, "B's leader's list")
            let filtered = try await client.send(.get, "\(base)/assessments?leader_id=\(b.leader)", key: acmeKey)
            #expect(filtered.status == .ok)
            #expect(filtered.items.isEmpty)
            let bRead = try await client.send(.get, "/v1/orgs/\(globex)/assessments/\(bAssessment)", key: globexKey)
            #expect(bRead.status == .ok, "B's own key still reads it")

            #expect(try await client.send(.get, "\(base)/assessment-frameworks", key: reader).status == .ok)
            #expect(try await client.send(.get, "\(base)/assessments", key: reader).status == .ok)
            let refused = try await client.send(
                .post, "\(base)/assessment-frameworks", key: reader, json: #"{"name":"Read only"}"#)
            #expect(refused.status == .forbidden)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let refusedRecord = try await client.send(
                .post, "\(base)/assessments", key: reader,
                json: a.assessment())
            #expect(refusedRecord.status == .forbidden)
            let refusedArchive = try await client.send(
                .delete, "\(base)/assessment-frameworks/\(a.framework)", key: reader, headers: [.ifMatch: "\"1\""])
            #expect(refusedArchive.status == .forbidden)
        }
    }

    @Test func aCorrectionOrDeletionShowsAtOnceInTheSkillsGaps() async throws {
        try await Session.live { session in
            let (client, org, key, seed) = (session.client, session.org, session.key, try await session.seed())
            let base = "/v1/orgs/\(org)"
            let skill = try await client.send(
                .post, "\(base)/skills", key: key, json: #"{"name":"Capacity","dimension_id":"\#(seed.dimensions[0])"}"#
            )
            let skillID = try #require(skill.json["id"] as? String)
            let role = try await client.send(
                .post, "\(base)/roles", key: key,
                json:
                    #"{"name":"Head","members":["\#(seed.leader)"],"levels":[{"skill_id":"\#(skillID)","required_level":"70"}],"pathway":[]}"#
            )
            let roleID = try #require(role.json["id"] as? String)
            func gap() async throws -> (level: String?, gap: String?) {
                let gaps = try await client.send(.get, "\(base)/roles/\(roleID)/gaps", key: key)
                let leader = (gaps.json["leaders"] as? [[String: Any]])?.first
                let skill = (leader?["skills"] as? [[String: Any]])?.first
                return (skill?["level"] as? String, skill?["gap"] as? String)
            }
            let recorded = try await client.send(
                .post, "\(base)/assessments", key: key,
                json: seed.assessment(more: #","scores":[{"dimension_id":"\#(seed.dimensions[0])","score":"52.5"}]"#))
            let id = try #require(recorded.json["id"] as? String)
            #expect(try await gap() == ("52.5", "17.5"))
            let corrected = try await client.send(
                .patch, "\(base)/assessments/\(id)", key: key,
                json: #"{"scores":[{"dimension_id":"\#(seed.dimensions[0])","score":65}]}"#,
                headers: [.ifMatch: "\"1\""])
            #expect(corrected.status == .ok)
            #expect(try await gap() == ("65", "5"))
            let deleted = try await client.send(
                .delete, "\(base)/assessments/\(id)", key: key, headers: [.ifMatch: "\"2\""])
            #expect(deleted.status == .noContent)
            #expect(try await gap() == (nil, "70"), "never scored again: the whole requirement is the gap")
        }
    }

    /// What every test here starts from: a fresh database, organisations Acme and Globex with an admin key
    /// each, and the API on a live socket.
    struct Session: Sendable {
        let fixture: APIFixture
        let client: any TestClientProtocol
        let org: UUID
        let key: String
        let other: UUID
        let otherKey: String

        static func live(_ body: @Sendable (Session) async throws -> Void) async throws {
            let fixture = try await APIFixture.make()
            defer { Task { await fixture.close() } }
            let org = try await fixture.createOrganisation("Acme")
            let key = try await fixture.key(for: org).secret
            let other = try await fixture.createOrganisation("Globex")
            let otherKey = try await fixture.key(for: other).secret
            try await fixture.application().test(.live) { client in
                try await body(
                    Session(fixture: fixture, client: client, org: org, key: key, other: other, otherKey: otherKey))
            }
        }

        /// The seed rows of Acme, or of Globex.
        func seed(other: Bool = false) async throws -> Seed {
            try await Seed.make(client, org: other ? self.other : org, key: other ? otherKey : key)
        }
    }

    /// Two leaders, a framework with two dimensions, and another framework with one.
    struct Seed {
        let leader: String
        let otherLeader: String
        let framework: String
        let dimensions: [String]
        let otherFramework: String
        let otherDimension: String

        /// An assessment's body: by default of the first leader on the first framework, by a coach, with
        /// `more` (`,"name":value...`) added to its fields.
        func assessment(
            on day: String = "2026-03-01", assessor: String = "coach", leader: String? = nil,
            framework: String? = nil, more: String = ""
        ) -> String {
            #"{"leader_id":"\#(leader ?? self.leader)","framework_id":"\#(framework ?? self.framework)","#
                + #""assessed_on":"\#(day)","assessor":"\#(assessor)"\#(more)}"#
        }

        static func make(_ client: some TestClientProtocol, org: UUID, key: String) async throws -> Seed {
            let base = "/v1/orgs/\(org)"
            func create(_ path: String, _ json: String) async throws -> [String: Any] {
                let response = try await client.send(.post, base + path, key: key, json: json)
                #expect(response.status == .created, "seeding \(path): \(response.text)")
                return response.json
            }
            let ida = try await create("/leaders", #"{"name":"Ida","email":"ida-\#(org)@example.com"}"#)
            let bob = try await create("/leaders", #"{"name":"Bob","email":"bob-\#(org)@example.com"}"#)
            let framework = try await create(
                "/assessment-frameworks", #"{"name":"3C","dimensions":[{"name":"capacity"},{"name":"commitment"}]}"#)
            let other = try await create("/assessment-frameworks", #"{"name":"360","dimensions":[{"name":"peers"}]}"#)
            func dimensionIDs(_ framework: [String: Any]) -> [String] {
                (framework["dimensions"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            return Seed(
                leader: try #require(ida["id"] as? String), otherLeader: try #require(bob["id"] as? String),
                framework: try #require(framework["id"] as? String), dimensions: dimensionIDs(framework),
                otherFramework: try #require(other["id"] as? String),
                otherDimension: try #require(dimensionIDs(other).first))
        }
    }
}

extension TestResponse {
    /// The first field error of a problem document.
    fileprivate var fieldError: [String: Any]? { (json["errors"] as? [[String: Any]])?.first }

    fileprivate var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    fileprivate var dimensionNames: [String] {
        (json["dimensions"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
    }

    /// Score per dimension id, as the JSON carries them.
    fileprivate var scores: [String: String] {
        Dictionary(
            uniqueKeysWithValues: (json["scores"] as? [[String: Any]] ?? []).compactMap { score in
                (score["dimension_id"] as? String).flatMap { id in (score["score"] as? String).map { (id, $0) } }
            })
    }
}
