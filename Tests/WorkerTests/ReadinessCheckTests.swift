import ConcordAPI
import ConcordDomain
import ConcordStore
import ConcordWorker
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import Testing

/// The readiness check end to end over real HTTP and PostgreSQL: the questionnaire edited through the API,
/// sent to executive, HR and area leaders, delivered by the worker as readiness nudges (signed webhook and
/// SMTP, to local receivers), answered once through each one-time link, and read back per question and group.
@Suite struct ReadinessCheckTests {
    static let base = "https://concord.example/"

    /// Leaders of the fixture's organisation: every day a working day and no quiet hours, so the worker sends
    /// at once whenever the test runs.
    struct Leaders {
        let exec1: UUID, exec2: UUID, hr: UUID, area1: UUID, area2: UUID, otherHead: UUID, bystander: UUID
    }

    func leaders(_ f: NudgeFixture, webhook: String) async throws -> Leaders {
        try await f.execute(
            """
            UPDATE organisations SET working_days = '{1,2,3,4,5,6,7}', quiet_hours_start = NULL,
                                     quiet_hours_end = NULL
            WHERE org_id = \(f.orgID)::uuid
            """)
        try await f.execute(
            """
            INSERT INTO webhook_endpoints (org_id, kind, url, secrets)
            VALUES (\(f.orgID)::uuid, 'webhook', \(webhook), '{s}')
            """)
        func leader(_ name: String, executive: Bool = false, hr: Bool = false, channels: String) async throws -> UUID {
            let id = UUID()
            try await f.execute(
                """
                INSERT INTO leaders (org_id, id, name, email, is_executive, is_hr, channels)
                VALUES (\(f.orgID)::uuid, \(id)::uuid, \(name), \(name.lowercased() + "@client.example"),
                        \(executive), \(hr), \(channels)::jsonb)
                """)
            return id
        }
        let hook = #"{"webhook": ""}"#
        return Leaders(
            exec1: try await leader("Eve", executive: true, channels: hook),
            exec2: try await leader("Ezra", executive: true, channels: hook),
            // The chief people officer sits on the executive team and answers for HR; reached by email.
            hr: try await leader("Hana", executive: true, hr: true, channels: "{}"),
            area1: try await f.areaWithHead("IT", channels: hook).leader,
            area2: try await f.areaWithHead("Quality", channels: hook).leader,
            otherHead: try await f.areaWithHead("Marketing", channels: hook).leader,
            bystander: try await leader("Bo", channels: hook))
    }

    @Test func aQuestionnaireRoundTripThroughOneTimeLinks() async throws {
        let f = try await NudgeFixture.make()
        let receiver = try TestHTTPReceiver(statuses: [200])
        let sink = try await SMTPSink()
        defer {
            receiver.stop()
            sink.stop()
        }
        let people = try await leaders(f, webhook: receiver.url)
        let apiPool = f.database.pool(user: "concord_api", maxConnections: 4)
        let provisioning = Provisioning(pool: f.owner)
        let principal = try await provisioning.createPrincipal(name: "admin", orgID: f.orgID)
        let key = try await provisioning.createKey(principalID: principal, scopes: [.admin]).secret.value
        let other = UUID()
        try await f.execute(
            "INSERT INTO organisations (org_id, name, slug, timezone) VALUES (\(other)::uuid, 'Other', 'other-readiness', 'UTC')"
        )
        let otherPrincipal = try await provisioning.createPrincipal(name: "other", orgID: other)
        let otherKey = try await provisioning.createKey(principalID: otherPrincipal, scopes: [.admin]).secret.value
        var logger = Logger(label: "readiness-test")
        logger.logLevel = .warning
        let app = Application(
            router: APIServer.makeRouter(
                APIDependencies(
                    store: Store(pool: apiPool), keys: KeyDirectory(pool: apiPool), keyCacheLifetime: .zero,
                    authFailures: FailedAuthLimiter(limit: 0))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        let org = "/v1/orgs/\(f.orgID)"

        try await app.test(.live) { client in
            // The consultancy's default questionnaire came with the organisation.
            let defaults = try await client.call(.get, "\(org)/readiness/questions", key: key).items
            #expect(defaults.count == 8)
            #expect(defaults.first?["text"] as? String == "HR leaders are involved in early-stage strategic planning.")
            let ids = defaults.compactMap { $0["id"] as? String }

            // Edit it: add a question, reword one, retire one, put the new one first.
            let added = try await client.call(
                .post, "\(org)/readiness/questions", key: key,
                json: #"{"text":"  We are ready to lead this change together. "}"#)
            #expect(added.status == .created)
            #expect(added.json["position"] as? Int == 9)
            #expect(added.json["text"] as? String == "We are ready to lead this change together.")
            let new = try #require(added.json["id"] as? String)
            let reworded = try await client.call(
                .patch, "\(org)/readiness/questions/\(ids[2])", key: key,
                json: #"{"text":"Our talent strategy is owned by executive and HR leadership together."}"#, ifMatch: "1"
            )
            #expect(reworded.status == .ok)
            #expect(reworded.json["version"] as? Int == 2)
            let stale = try await client.call(
                .patch, "\(org)/readiness/questions/\(ids[2])", key: key, json: #"{"text":"Again"}"#, ifMatch: "1")
            #expect(stale.status == .preconditionFailed)
            let retired = try await client.call(.delete, "\(org)/readiness/questions/\(ids[7])", key: key, ifMatch: "1")
            #expect(retired.status == .ok)
            #expect(retired.json["retired_at"] is String)
            let active = [new] + ids.dropLast()
            let partial = try await client.call(
                .put, "\(org)/readiness/questions/order", key: key, json: #"{"question_ids":["\#(new)"]}"#)
            #expect(partial.status == .unprocessableContent, "an order must name every active question")
            let order = try await client.call(
                .put, "\(org)/readiness/questions/order", key: key,
                json: #"{"question_ids":[\#(active.map { "\"\($0)\"" }.joined(separator: ","))]}"#)
            #expect(order.status == .ok)
            #expect(order.items.compactMap { $0["id"] as? String } == active)
            let withRetired = try await client.call(
                .get, "\(org)/readiness/questions?include_retired=true", key: key
            ).items
            #expect(withRetired.count == 9)
            #expect(withRetired.last?["id"] as? String == ids[7])

            // Send it to the executive and HR groups and two named area heads.
            let sent = try await client.call(
                .post, "\(org)/readiness/checks", key: key,
                json: #"""
                    {"title":"Q1 readiness","groups":["executive","hr"],
                     "leader_ids":["\#(people.area1)","\#(people.area2)"]}
                    """#)
            #expect(sent.status == .created, "\(sent.text)")
            #expect(sent.json["recipients"] as? Int == 5, "Bo (no group) and the unnamed Marketing head are not asked")
            let check = try #require(sent.json["id"] as? String).lowercased()
            let unknownLeader = try await client.call(
                .post, "\(org)/readiness/checks", key: key,
                json: #"{"title":"Bad","leader_ids":["\#(UUID())"]}"#)
            #expect(unknownLeader.status == .unprocessableContent)

            // The worker delivers them as readiness nudges through each leader's channel.
            let smtp = SMTPConfiguration(host: "127.0.0.1", port: sink.port, from: "nudges@concord.example")
            let report = try await NudgeDeliverer(
                store: f.store,
                configuration: NudgeDeliveryConfiguration(
                    publicBaseURL: Self.base, smtp: smtp, webhookHosts: NudgeDeliveryTests.localReceivers)
            ).deliverDue(orgID: f.orgID)
            #expect(report.sent == 5)
            var links: [UUID: String] = [:]
            for request in receiver.requests {
                let json = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
                let leader = try #require(UUID(uuidString: (json["leader"] as? [String: Any])?["id"] as? String ?? ""))
                let item = try #require((json["nudges"] as? [[String: Any]])?.first)
                #expect(item["reason"] as? String == "readiness")
                #expect(item["readiness_check_id"] as? String == check)
                #expect(item["initiative_id"] == nil)
                links[leader] = try #require(item["answer_url"] as? String)
            }
            let mail = try #require(try await sink.nextMessage())
            #expect(mail.hasPrefix("MAIL FROM:nudges@concord.example RCPT TO:hana@client.example"))
            #expect(mail.contains("Subject: Readiness check \"Q1 readiness\""))
            let mailed = try #require(mail.firstMatch(of: /https:\/\/concord\.example\/answer\/[A-Za-z0-9_-]+/))
            links[people.hr] = String(mailed.output)
            #expect(Set(links.keys) == [people.exec1, people.exec2, people.hr, people.area1, people.area2])
            func path(_ leader: UUID) -> String { "/" + links[leader]!.dropFirst(Self.base.count) }

            // The link opens the whole questionnaire, the new question first.
            let page = try await client.page(.get, path(people.exec1))
            #expect(page.status == .ok)
            #expect(page.text.contains("Q1 readiness"))
            #expect(page.text.contains("1. We are ready to lead this change together."))
            #expect(page.text.contains("strongly agree"))
            #expect(page.text.contains("Concord asks an organisation's leaders the same questions"), "its own footer")
            #expect(!page.text.contains("Leaders bind the team"), "the retired question is not asked")

            // Scores for the new question, Q1 and the reworded Q3; 3 for the rest.
            let scores: [UUID: (new: Int, q1: Int, q3: Int)] = [
                people.exec1: (4, 5, 3), people.exec2: (4, 4, 3), people.hr: (4, 1, 2),
                people.area1: (2, 3, 3), people.area2: (1, 2, 3),
            ]
            func score(_ leader: UUID, _ id: String) -> Int {
                let mine = scores[leader]!
                return id == new ? mine.new : id == ids[0] ? mine.q1 : id == ids[2] ? mine.q3 : 3
            }
            func form(_ leader: UUID, leaving: String? = nil) -> String {
                active.filter { $0 != leaving }.map { "q-\($0)=\(score(leader, $0))" }.joined(separator: "&")
            }
            let incomplete = try await client.page(.post, path(people.hr), form: form(people.hr, leaving: ids[4]))
            #expect(incomplete.status == .unprocessableContent)
            #expect(incomplete.text.contains("Choose how far you agree"))
            for leader in [people.exec1, people.exec2, people.hr, people.area1] {
                let thanks = try await client.page(.post, path(leader), form: form(leader))
                #expect(thanks.status == .ok, "\(thanks.text)")
                #expect(thanks.text.contains("Your 8 answers to “Q1 readiness” are recorded"))
            }

            // A used link is refused, page and post alike, and records nothing more.
            let replay = try await client.page(.post, path(people.exec1), form: form(people.exec1))
            #expect(replay.status == .conflict)
            #expect(replay.text.contains("Already answered"))
            #expect(!replay.text.contains("<form"))
            #expect(try await client.page(.get, path(people.exec1)).status == .conflict)

            let waiting = try await client.call(.get, "\(org)/readiness/checks/\(check)", key: key)
            let notAnswered = try #require(waiting.json["not_answered"] as? [[String: Any]])
            #expect(
                notAnswered.map { ($0["leader_id"] as? String)?.lowercased() } == [people.area2.uuidString.lowercased()]
            )
            #expect(notAnswered.first?["group"] as? String == "area")
            #expect(notAnswered.first?["delivery"] as? String == "sent")
            // A client answers the same link in JSON: the questionnaire, then every score once.
            let prompt = try await client.execute(uri: path(people.area2), method: .get, headers: [:], body: nil)
            #expect(prompt.status == .ok)
            #expect(prompt.json["leader_group"] as? String == "area")
            #expect(
                (prompt.json["questions"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? String)?.lowercased() }
                    == active.map { $0.lowercased() })
            let scored = active.map { #"{"question_id":"\#($0)","score":\#(score(people.area2, $0))}"# }
            let twice = try await client.answer(path(people.area2), #"{"scores":[\#(scored[0]),\#(scored[0])]}"#)
            #expect(twice.status == .unprocessableContent)
            let recorded = try await client.answer(
                path(people.area2), #"{"scores":[\#(scored.joined(separator: ","))]}"#)
            #expect(recorded.status == .created, "\(recorded.text)")
            #expect(recorded.json["answers"] as? Int == 8)
            let again = try await client.answer(
                path(people.area2), #"{"scores":[\#(scored.joined(separator: ","))]}"#)
            #expect(again.status == .conflict)
            #expect(again.headers[.contentType] == "application/problem+json")

            // Results, hand-checked: Q1 means executive (5+4)/2 = 4.5, HR 1, area (3+2)/2 = 2.5: spread 3.5;
            // the new question 4, 4, (2+1)/2 = 1.5: spread 2.5; Q3 3, 2, 3: spread 1; the rest 0.
            let results = try await client.call(.get, "\(org)/readiness/checks/\(check)", key: key)
            #expect(results.status == .ok)
            let summary = try #require(results.json["check"] as? [String: Any])
            #expect(summary["recipients"] as? Int == 5)
            #expect(summary["answered"] as? Int == 5)
            #expect((results.json["not_answered"] as? [Any])?.isEmpty == true)
            let questions = try #require(results.json["questions"] as? [[String: Any]])
            #expect(questions.count == 8, "the retired question, never answered here, is left out")
            #expect(
                questions.prefix(3).compactMap { $0["question_id"] as? String } == [ids[0], new, ids[2]],
                "most disagreed first")
            #expect(questions.map { $0["spread"] as? String } == ["3.5", "2.5", "1"] + Array(repeating: "0", count: 5))
            func groups(_ question: [String: Any]) -> [String] {
                (question["groups"] as? [[String: Any]] ?? []).map {
                    "\($0["group"] as? String ?? "?") \($0["count"] as? Int ?? -1) \($0["mean"] as? String ?? "null")"
                }
            }
            #expect(groups(questions[0]) == ["executive 2 4.5", "hr 1 1", "area 2 2.5"])
            #expect(groups(questions[1]) == ["executive 2 4", "hr 1 4", "area 2 1.5"])
            #expect(questions[0]["mean"] as? String == "3", "(5+4+1+3+2)/5")
            #expect(questions[0]["count"] as? Int == 5)
            let stored = try await f.query(
                "SELECT count(*) FROM readiness_answers WHERE org_id = \(f.orgID)::uuid")[0].decode(0, as: Int.self)
            #expect(stored == 40, "5 leaders x 8 questions, the replay added nothing")
            let states = try await f.query(
                """
                SELECT array_agg(DISTINCT state) FROM nudges
                WHERE org_id = \(f.orgID)::uuid AND readiness_check_id = \(check)::uuid
                """)[0].decode(0, as: [String].self)
            #expect(states == ["answered"])

            // Tenant walls: the other organisation sees its own default questionnaire and none of this check.
            let foreign = try await client.call(.get, "/v1/orgs/\(other)/readiness/checks/\(check)", key: otherKey)
            #expect(foreign.status == .notFound)
            let throughA = try await client.call(.get, "\(org)/readiness/checks/\(check)", key: otherKey)
            #expect(throughA.status == .notFound)
            let otherQuestions = try await client.call(.get, "/v1/orgs/\(other)/readiness/questions", key: otherKey)
            #expect(otherQuestions.items.count == 8)
            #expect(!otherQuestions.text.contains("ready to lead this change"))
            let retireForeign = try await client.call(
                .delete, "/v1/orgs/\(other)/readiness/questions/\(new)", key: otherKey, ifMatch: "1")
            #expect(retireForeign.status == .notFound)
            let sendForeign = try await client.call(
                .post, "/v1/orgs/\(other)/readiness/checks", key: otherKey,
                json: #"{"title":"Poach","leader_ids":["\#(people.exec1)"]}"#)
            #expect(sendForeign.status == .unprocessableContent, "another organisation's leader is unknown here")
            #expect((try await client.call(.get, "/v1/orgs/\(other)/readiness/checks", key: otherKey)).items.isEmpty)
        }
        await apiPool.close()
        await f.close()
    }
}

extension TestClientProtocol {
    /// A JSON request with a bearer key.
    fileprivate func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String, json: String? = nil, ifMatch: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if json != nil { headers[.contentType] = "application/json" }
        if let ifMatch { headers[.ifMatch] = "\"\(ifMatch)\"" }
        return try await execute(uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// What an API client does with an answer link: posts JSON.
    fileprivate func answer(_ uri: String, _ json: String) async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    /// What a browser does with an answer link: opens the page, or posts its form.
    fileprivate func page(_ method: HTTPRequest.Method, _ uri: String, form: String? = nil) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [.accept: "text/html"]
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await execute(uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    fileprivate var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    fileprivate var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }

    fileprivate var text: String { String(buffer: body) }
}
