import ConcordAPI
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// Every operation of the OpenAPI document that takes an organisation or an id, tried with organisation A's
/// keys (A's own, and a consultancy's granted A but not B) and organisation B's ids: in the path, in the body
/// fields that take ids, and in the query filters. B's ids must be answered exactly as ids that do not exist
/// (a refusal with problem+json, the same status and title as a random id), no answer may carry B's ids or
/// names, and none of B's rows may change (a digest of each tenant table's B rows, read as superuser, before
/// and after each operation). The operations and their bodies come from the document, which
/// `OpenAPIDocumentTests` keeps equal to the router, so a new route cannot escape the wall.
@Suite struct TenantWallOpenAPITests {
    @Test func anotherOrganisationsIdsAreAnsweredAsUnknownEverywhereAndChangeNothing() async throws {
        let operations = try WallOperation.fromDocument()
        #expect(operations.count >= 55, "the document's operations with path parameters")
        for operation in operations {
            for parameter in operation.pathParameters
            where parameter != "org" && WallOperation.literals[parameter] == nil {
                #expect(
                    WallOperation.kind(ofPathParameter: parameter, in: operation.template) != nil,
                    "\(operation): no kind of row known for {\(parameter)}; teach WallOperation.kind about it")
            }
        }
        let fixture = try await APIFixture.make()
        let orgA = try await fixture.createOrganisation("Acme")
        let orgB = try await fixture.createOrganisation("Globex")
        let keyA = try await fixture.key(for: orgA).secret
        let keyB = try await fixture.key(for: orgB).secret
        let consultancy = try await fixture.consultancyKey(granted: [orgA])
        try await fixture.application().test(.live) { client in
            let a = try await WallSeed.make(client, org: orgA, key: keyA, label: "Acme")
            let b = try await WallSeed.make(client, org: orgB, key: keyB, label: "Globex")
            let secrets = Set(b.ids.values + ["globex"])
            for (keyName, key) in [("A's key", keyA), ("consultancy key granted A", consultancy)] {
                for operation in operations {
                    let before = try await fixture.snapshot(of: orgB)
                    let answers = try await operation.attempts(own: a.ids).asyncMap {
                        attempt in
                        (
                            attempt,
                            try await attempt.send(client, key: key, ids: b.ids),
                            try await attempt.send(client, key: key, ids: WallSeed.unknown)
                        )
                    }
                    for (attempt, withB, withUnknown) in answers {
                        let what = "\(keyName): \(operation) with B's \(attempt.where)"
                        // A refusal may name the ids the request itself carried; anything else of B's is a leak.
                        let shown = withB.isProblem ? secrets.subtracting(attempt.carried(b.ids)) : secrets
                        #expect(!withB.reveals(shown), "\(what) showed B's data: \(withB.text)")
                        #expect(
                            withB.status == withUnknown.status && withB.title == withUnknown.title,
                            "\(what): \(withB.status) \(withB.title) but unknown ids get \(withUnknown.status) \(withUnknown.title)"
                        )
                        if attempt.expectsRefusal {
                            #expect(
                                [.notFound, .forbidden, .unprocessableContent].contains(withB.status)
                                    && withB.isProblem,
                                "\(what) answered \(withB.status): \(withB.text)")
                        }
                    }
                    let after = try await fixture.snapshot(of: orgB)
                    #expect(
                        before == after, "\(keyName): \(operation) changed B's rows in \(Self.changed(before, after))")
                }
            }
        }
    }

    @Test func anotherOrganisationsAnswerLinkShowsAndChangesNothingOfThisOne() async throws {
        let fixture = try await APIFixture.make()
        let a = try await PageSeed.make(fixture)
        let b = try await PageSeed.make(fixture)
        let secret = try await a.initiative("Acme secret merger")
        _ = try await a.nudge(secret)
        let tokenB = try await b.nudge()
        let nudgeA = try await fixture.ownerPool.withConnection { connection in
            try await connection.query("SELECT id FROM nudges WHERE org_id = \(a.org)::uuid").map {
                try $0.decode(0, as: UUID.self)
            }
        }.first!
        let secrets =
            [a.org, secret, nudgeA, a.ida, a.initiative].map { $0.uuidString.lowercased() } + ["secret merger"]
        let before = try await fixture.snapshot(of: a.org)
        try await fixture.application().test(.live) { client in
            for accept in ["application/json", "text/html"] {
                let shown = try await client.send(.get, "/answer/\(tokenB.value)", headers: [.accept: accept])
                #expect(shown.status == .ok, "B's own link opens (\(accept))")
                #expect(!secrets.contains { shown.text.lowercased().contains($0) }, "B's link showed A: \(shown.text)")
            }
            // B's link with A's nudge in the form: refused like any nudge outside the link, nothing of A shown.
            let form = try await client.execute(
                uri: "/answer/\(tokenB.value)", method: .post,
                headers: [.accept: "text/html", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "nudge=\(nudgeA)&priority=5&buy_in=acting"))
            #expect(form.status == .unprocessableContent)
            #expect(!secrets.contains { form.text.lowercased().contains($0) }, "the refusal showed A: \(form.text)")
            // A link is no key: on A's organisation (or B's) it is refused as a bearer.
            for org in [a.org, b.org] {
                let asKey = try await client.send(.get, "/v1/orgs/\(org)/initiatives", key: tokenB.value)
                #expect(asKey.status == .unauthorized, "a nudge token used as a key: \(asKey.status)")
            }
        }
        #expect(try await fixture.snapshot(of: a.org) == before, "A's rows are unchanged")
    }

    static func changed(_ before: [String: String], _ after: [String: String]) -> [String] {
        Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}

/// One organisation with one of everything, made through the API with its own key; `label` is in every name.
struct WallSeed: Sendable {
    let ids: [String: String]

    /// Ids of the same kinds that exist nowhere.
    static let unknown: [String: String] = Dictionary(
        uniqueKeysWithValues: WallOperation.kinds.map { ($0, UUID().uuidString.lowercased()) })

    static func make(_ client: some TestClientProtocol, org: UUID, key: String, label: String) async throws -> WallSeed
    {
        let base = "/v1/orgs/\(org)"
        var ids = ["org": org.uuidString]
        func create(_ path: String, _ json: String) async throws -> [String: Any] {
            let response = try await client.send(.post, base + path, key: key, json: json)
            #expect(response.status == .created, "seeding \(path): \(response.status) \(response.text)")
            return response.json
        }
        ids["area"] = try await create("/areas", #"{"name":"\#(label) Area"}"#)["id"] as? String
        ids["leader"] =
            try await create(
                "/leaders",
                #"{"name":"\#(label) Leader","area_id":"\#(ids["area"]!)","email":"lead@\#(label.lowercased()).example"}"#
            )["id"] as? String
        ids["initiative"] =
            try await create(
                "/initiatives",
                #"{"title":"\#(label) Initiative","lead_area_id":"\#(ids["area"]!)","importance":3,"sponsor_leader_id":"\#(ids["leader"]!)"}"#
            )["id"] as? String
        let tree = try await create(
            "/goal-trees", #"{"name":"\#(label) Tree","goal":{"kind":"goal","title":"\#(label) Goal"}}"#)
        ids["tree"] = (tree["tree"] as? [String: Any])?["id"] as? String
        ids["goal"] = (tree["goal"] as? [String: Any])?["id"] as? String
        ids["node"] =
            try await create(
                "/goal-trees/\(ids["tree"]!)/nodes",
                #"{"node":{"kind":"critical_success_factor","title":"\#(label) CSF","accountable_leader_id":"\#(ids["leader"]!)"},"parent_ids":["\#(ids["goal"]!)"]}"#
            )["id"] as? String
        let link = try await client.send(
            .put, "\(base)/goal-trees/\(ids["tree"]!)/nodes/\(ids["node"]!)/initiatives/\(ids["initiative"]!)",
            key: key)
        #expect((200..<300).contains(link.status.code), "linking the initiative: \(link.status)")
        ids["rating"] =
            try await create(
                "/initiatives/\(ids["initiative"]!)/ratings",
                #"{"leader_id":"\#(ids["leader"]!)","priority":4,"resistance_note":"\#(label) note"}"#)["id"] as? String
        ids["programme"] =
            try await create(
                "/programmes", #"{"title":"\#(label) Programme","initiative_id":"\#(ids["initiative"]!)"}"#)["id"]
            as? String
        let programme = "/programmes/\(ids["programme"]!)"
        ids["cost"] =
            try await create("\(programme)/costs", #"{"category":"delivery","amount":"100"}"#)["id"] as? String
        ids["participant"] =
            try await create(
                "\(programme)/participants", #"{"leader_id":"\#(ids["leader"]!)","reaction":"4"}"#)["id"] as? String
        ids["measure"] =
            try await create(
                "\(programme)/measures",
                #"{"name":"\#(label) retention","unit":"leavers","baseline":"30","after":"24","unit_value":"25000","direction":"lower_is_better","period":"per_year","attribution":"0.5","isolation_method":"estimate","confidence":"0.8"}"#
            )["id"] as? String
        ids["intangible"] =
            try await create("\(programme)/intangibles", #"{"description":"\#(label) vocabulary"}"#)["id"] as? String
        ids["skill"] = try await create("/skills", #"{"name":"\#(label) Skill"}"#)["id"] as? String
        ids["role"] =
            try await create(
                "/roles",
                #"{"name":"\#(label) Role","members":["\#(ids["leader"]!)"],"levels":[{"skill_id":"\#(ids["skill"]!)","required_level":"70"}],"pathway":["\#(ids["programme"]!)"]}"#
            )["id"] as? String
        // An address literal on the public internet: the webhook guard needs no DNS to allow it.
        let endpoint = try await create("/webhook-endpoints", #"{"url":"https://93.184.216.34/\#(label)"}"#)
        ids["webhook"] = (endpoint["endpoint"] as? [String: Any])?["id"] as? String
        ids["question"] =
            try await create("/readiness/questions", #"{"text":"\#(label) question"}"#)["id"] as? String
        ids["check"] =
            try await create(
                "/readiness/checks", #"{"title":"\#(label) check","leader_ids":["\#(ids["leader"]!)"]}"#)["id"]
            as? String
        let framework = try await create(
            "/assessment-frameworks", #"{"name":"\#(label) Framework","dimensions":[{"name":"\#(label) capacity"}]}"#)
        ids["framework"] = framework["id"] as? String
        ids["dimension"] = (framework["dimensions"] as? [[String: Any]])?.first?["id"] as? String
        ids["assessment"] =
            try await create(
                "/assessments",
                #"{"leader_id":"\#(ids["leader"]!)","framework_id":"\#(ids["framework"]!)","assessed_on":"2026-03-01","assessor":"\#(label) coach","scores":[{"dimension_id":"\#(ids["dimension"]!)","score":"70"}]}"#
            )["id"] as? String
        #expect(Set(ids.keys) == Set(WallOperation.kinds), "one of every kind")
        return WallSeed(ids: ids.compactMapValues { $0.lowercased() })
    }
}

/// An operation of the document, reduced to what the wall test needs. Bodies are sample JSON made from the
/// operation's schema, with `@@kind@@` where an id of that kind goes.
struct WallOperation: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let template: String
    let pathParameters: [String]
    let queryIDs: [(name: String, kind: String)]
    let ifMatch: Bool
    let body: String?
    /// The document leaves the body open (`{"type": "object"}`): which of its id fields are taken is unknown.
    let bodyIsOpen: Bool

    var description: String { "\(method) \(template)" }

    static let kinds = [
        "org", "area", "leader", "initiative", "tree", "goal", "node", "rating", "programme", "cost", "participant",
        "measure", "intangible", "skill", "role", "webhook", "framework", "dimension", "assessment", "question",
        "check",
    ]

    /// Path parameters that name no row but a choice the route offers; they are filled in, never B's.
    static let literals = ["kind": "leaders"]

    /// The kind of row a path parameter names: `{id}` and `{item}` by the collection before them.
    static func kind(ofPathParameter name: String, in template: String) -> String? {
        let parts = template.split(separator: "/").map(String.init)
        let collection = parts.firstIndex { $0.contains("{\(name)}") }.flatMap { $0 > 0 ? parts[$0 - 1] : nil } ?? ""
        switch name {
        case "tree": return "tree"
        case "node": return "node"
        case "parent": return "goal"
        case "initiative": return "initiative"
        case "role": return "role"
        case "id", "item":
            return [
                "areas": "area", "leaders": "leader", "initiatives": "initiative", "programmes": "programme",
                "costs": "cost", "participants": "participant", "measures": "measure", "intangibles": "intangible",
                "webhook-endpoints": "webhook", "assessment-frameworks": "framework", "dimensions": "dimension",
                "assessments": "assessment", "questions": "question", "checks": "check",
            ][collection]
        default: return nil
        }
    }

    /// The kind of row a body or query field names.
    static func kind(ofField name: String, in template: String) -> String? {
        switch name {
        case "leader_id", "sponsor_leader_id", "accountable_leader_id", "head_leader_id": "leader"
        case "area_id", "lead_area_id": "area"
        case "initiative_id": "initiative"
        case "goal_node_id", "node_id": "node"
        case "parent_ids", "from_parent_id", "to_parent_id": "goal"
        case "parent_id": template.contains("/goal-trees") ? "goal" : "area"
        case "programme_id", "pathway": "programme"
        case "members", "leader_ids": "leader"
        case "question_ids": "question"
        case "skill_id", "skill_ids": "skill"
        case "framework_id": "framework"
        case "dimension_id", "dimension_ids": "dimension"
        default: nil
        }
    }

    /// Every operation with a path parameter, except the answer links (their token is tested on its own).
    static func fromDocument() throws -> [WallOperation] {
        let data = try Data(contentsOf: OpenAPIDocumentTests.documentURL)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let components = document["components"] as? [String: Any] ?? [:]
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var operations: [WallOperation] = []
        for (template, item) in paths.sorted(by: { $0.key < $1.key }) where template.contains("{") {
            guard !template.hasPrefix("/answer/") else { continue }
            for (method, value) in item.sorted(by: { $0.key < $1.key }) {
                guard let operation = value as? [String: Any], let verb = HTTPRequest.Method(method.uppercased())
                else { continue }
                let parameters = ((item["parameters"] as? [Any] ?? []) + (operation["parameters"] as? [Any] ?? []))
                    .compactMap { resolve($0, components) }
                let query = parameters.filter { $0["in"] as? String == "query" }.compactMap {
                    parameter -> (name: String, kind: String)? in
                    guard let name = parameter["name"] as? String, let kind = kind(ofField: name, in: template)
                    else { return nil }
                    return (name, kind)
                }
                var body: String?
                var bodyIsOpen = false
                if let request = operation["requestBody"] as? [String: Any],
                    let content = request["content"] as? [String: Any],
                    let json = content["application/json"] as? [String: Any],
                    let schema = json["schema"]
                {
                    let sample = Sample(components: components, template: template).value(schema, name: "")
                    bodyIsOpen = (resolve(schema, components)?["properties"] as? [String: Any] ?? [:]).isEmpty
                    body = String(
                        decoding: try JSONSerialization.data(withJSONObject: sample, options: [.sortedKeys]),
                        as: UTF8.self)
                }
                operations.append(
                    WallOperation(
                        method: verb, template: template,
                        pathParameters: parameterNames(template),
                        queryIDs: query,
                        ifMatch: parameters.contains { $0["name"] as? String == "If-Match" }, body: body,
                        bodyIsOpen: bodyIsOpen))
            }
        }
        return operations
    }

    /// `{name}` anywhere in the template, including `{tree}.svg`.
    static func parameterNames(_ template: String) -> [String] {
        template.matches(of: /\{([a-z_]+)\}/).map { String($0.output.1) }
    }

    static func resolve(_ value: Any, _ components: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        guard let reference = object["$ref"] as? String else { return object }
        let parts = reference.split(separator: "/").dropFirst().map(String.init)
        var node: Any? = ["components": components]
        for part in parts { node = (node as? [String: Any])?[part] }
        return resolve(node as Any, components)
    }

    /// The requests to make: B's organisation and ids in the path; then, in A's organisation with A's own
    /// ids, B's id in each path parameter in turn, in each id field of the body in turn, and in each id
    /// query filter.
    func attempts(own: [String: String]) -> [WallAttempt] {
        func path(foreign: Set<String>) -> String {
            pathParameters.reduce(template) { path, name in
                if let literal = Self.literals[name] {
                    return path.replacingOccurrences(of: "{\(name)}", with: literal)
                }
                let kind = name == "org" ? "org" : Self.kind(ofPathParameter: name, in: template) ?? "unknown"
                return path.replacingOccurrences(
                    of: "{\(name)}", with: foreign.contains(name) ? "@@\(kind)@@" : own[kind] ?? UUID().uuidString)
            }
        }
        func body(foreign kind: String?) -> String? {
            self.body.map { Self.fill($0, own.filter { $0.key != kind }) }
        }
        var attempts = [
            WallAttempt(
                where: "organisation and ids in the path", method: method, path: path(foreign: Set(pathParameters)),
                body: self.body, ifMatch: ifMatch, expectsRefusal: true)
        ]
        for parameter in pathParameters where parameter != "org" && Self.literals[parameter] == nil {
            attempts.append(
                WallAttempt(
                    where: "id in {\(parameter)}", method: method, path: path(foreign: [parameter]),
                    body: body(foreign: nil), ifMatch: ifMatch, expectsRefusal: true))
        }
        for kind in Self.kinds where self.body?.contains("@@\(kind)@@") == true {
            attempts.append(
                WallAttempt(
                    where: "\(kind) id in the body", method: method, path: path(foreign: []),
                    body: body(foreign: kind), ifMatch: ifMatch, expectsRefusal: !bodyIsOpen))
        }
        for filter in queryIDs {
            attempts.append(
                WallAttempt(
                    where: "id in ?\(filter.name)", method: method,
                    path: path(foreign: []) + "?\(filter.name)=@@\(filter.kind)@@", body: nil, ifMatch: false,
                    expectsRefusal: false))
        }
        return attempts
    }

    static func fill(_ text: String, _ ids: [String: String]) -> String {
        var text = text
        for (kind, id) in ids { text = text.replacingOccurrences(of: "@@\(kind)@@", with: id) }
        return text
    }
}

/// One request of the wall test, with `@@kind@@` where the other organisation's (or an unknown) id goes.
struct WallAttempt: Sendable {
    let `where`: String
    let method: HTTPRequest.Method
    let path: String
    let body: String?
    let ifMatch: Bool
    /// Whether B's ids must be refused; a list filtered by an id answers with an empty page instead.
    let expectsRefusal: Bool

    /// The ids of `ids` that the request carries in its path or body.
    func carried(_ ids: [String: String]) -> Set<String> {
        Set(ids.filter { (path + (body ?? "")).contains("@@\($0.key)@@") }.values)
    }

    struct Answer {
        let status: HTTPResponse.Status
        let text: String
        let isProblem: Bool
        var title: String {
            (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["title"] as? String ?? ""
        }

        func reveals(_ secrets: Set<String>) -> Bool {
            let lowered = text.lowercased()
            return secrets.contains { lowered.contains($0) }
        }
    }

    /// Sends it with `ids` in the placeholders (the organisation's own where it is B's). Updates of A's own
    /// rows need their current version: an earlier attempt may have changed it, so a 412 tries the next.
    func send(_ client: some TestClientProtocol, key: String, ids: [String: String]) async throws -> Answer {
        var response: TestResponse?
        for version in 1...6 {
            response = try await client.send(
                method, WallOperation.fill(path, ids), key: key,
                json: body.map { WallOperation.fill($0, ids) }, headers: ifMatch ? [.ifMatch: "\"\(version)\""] : [:])
            if response?.status != .preconditionFailed { break }
        }
        let answer = try #require(response)
        return Answer(
            status: answer.status, text: answer.text,
            isProblem: answer.headers[.contentType]?.hasPrefix("application/problem+json") == true)
    }
}

/// A sample value for a JSON schema: every property present, ids as `@@kind@@` placeholders.
struct Sample {
    let components: [String: Any]
    let template: String

    func value(_ schema: Any, name: String) -> Any {
        guard let schema = WallOperation.resolve(schema, components) else { return NSNull() }
        for choice in ["oneOf", "anyOf", "allOf"] {
            if let options = schema[choice] as? [Any],
                let first = options.compactMap({ WallOperation.resolve($0, components) }).first(where: {
                    $0["type"] as? String != "null"
                })
            {
                return value(first, name: name)
            }
        }
        // The last choice: the first is often special (a tree's one goal, the initial stage).
        if let options = schema["enum"] as? [Any], let last = options.last { return last }
        let type = (schema["type"] as? String) ?? (schema["type"] as? [String])?.first { $0 != "null" } ?? "object"
        switch type {
        case "object":
            guard let properties = schema["properties"] as? [String: Any], !properties.isEmpty else {
                // Only a whole body left open is a programme part; an open field (channels) stays empty.
                return name.isEmpty ? untypedObject : [String: Any]()
            }
            return properties.reduce(into: [String: Any]()) { $0[$1.key] = value($1.value, name: $1.key) }
        case "array":
            return [value(schema["items"] ?? [:], name: name)]
        case "integer", "number":
            return schema["minimum"] ?? 1
        case "boolean":
            return false
        default:
            if schema["format"] as? String == "uuid" {
                return "@@\(WallOperation.kind(ofField: name, in: template) ?? "unknown")@@"
            }
            if schema["format"] as? String == "date" { return "2026-06-01" }
            if schema["format"] as? String == "email" || name == "email" { return "wall@example.com" }
            if name == "timezone" { return "UTC" }
            if schema["format"] as? String == "date-time" { return "2099-06-01T09:00:00Z" }
            return "Wall"
        }
    }

    /// Bodies the document leaves open (the programme's parts): every id field a programme or its parts take.
    var untypedObject: [String: Any] {
        [
            "title": "Wall", "person_name": "Wall", "description": "Wall", "category": "delivery", "amount": "1",
            "leader_id": "@@leader@@", "initiative_id": "@@initiative@@", "goal_node_id": "@@node@@",
        ]
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

extension APIFixture {
    /// A digest of each tenant table's rows of `org`, read as the superuser past row-level security.
    func snapshot(of org: UUID) async throws -> [String: String] {
        try await ownerPool.withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT c.table_schema || '.' || c.table_name,
                       (xpath('/row/h/text()', query_to_xml(format(
                           'SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) AS h '
                           'FROM %I.%I AS t WHERE t.org_id = %L',
                           '|', '', c.table_schema, c.table_name, \(org.uuidString)::text), false, true, '')))[1]::text
                FROM information_schema.columns AS c
                JOIN information_schema.tables AS t USING (table_schema, table_name)
                WHERE c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
                  AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
                """)
            return Dictionary(
                uniqueKeysWithValues: try rows.map {
                    (try $0.decode(0, as: String.self), try $0.decode(1, as: String.self))
                })
        }
    }
}
