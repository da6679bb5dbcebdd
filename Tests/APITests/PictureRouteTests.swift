import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The `.svg` variants of the goal tree and initiative reads: same key and tenancy as the JSON, valid XML,
/// the tree's nodes coloured by their rolled-up status.
@Suite struct PictureRouteTests {
    @Test func aGoalTreeAndAnAlignmentStripAreServedAsSVG() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let stranger = try await fixture.key(for: try await fixture.createOrganisation("Other")).secret
        try await fixture.application().test(.live) { client in
            let tree = try await PictureRouteTests.tree(client, seed)
            let base = "/v1/orgs/\(seed.org)"
            let svg = try await client.send(.get, "\(base)/goal-trees/\(tree.id).svg", key: seed.key)
            #expect(svg.status == .ok)
            #expect(svg.headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(svg.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            let fills = try #require(Fills.parse(svg.text), "not well-formed XML")
            #expect(fills["node-\(tree.goal)"] == "#ffcdd2")  // red below it rolls up
            #expect(fills["node-\(tree.csf)"] == "#ffcdd2")
            #expect(fills["node-\(tree.condition)"] == "#ffcdd2")
            #expect(fills["node-\(tree.amber)"] == "#ffe0b2")
            #expect(svg.text.contains("leader: Ida"))
            #expect(svg.text.contains("confidence 30%"))

            let strip = try await client.send(
                .get, "\(base)/initiatives/\(seed.initiative)/alignment.svg", key: seed.key)
            #expect(strip.status == .ok)
            #expect(strip.headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(Fills.parse(strip.text) != nil)
            #expect(strip.text.contains("ERP &lt;script&gt;"))
            #expect(strip.text.contains(">Ida</text>"))
            #expect(strip.text.contains(">Max</text>"))

            #expect(try await client.send(.get, "\(base)/goal-trees/\(tree.id).svg").status == .unauthorized)
            #expect(
                try await client.send(.get, "\(base)/goal-trees/\(tree.id).svg", key: stranger).status == .notFound)
            #expect(try await client.send(.get, "\(base)/goal-trees/\(UUID()).svg", key: seed.key).status == .notFound)
            #expect(
                try await client.send(.get, "\(base)/initiatives/\(UUID())/alignment.svg", key: seed.key).status
                    == .notFound)
            // A wrong method names the picture's own methods, not those of the tree beside it.
            let options = try await client.send(.options, "\(base)/goal-trees/\(tree.id).svg", key: seed.key)
            #expect(options.status == .methodNotAllowed)
            #expect(options.headers[.allow] == "GET")
            let treeOptions = try await client.send(.options, "\(base)/goal-trees/\(tree.id)", key: seed.key)
            #expect(treeOptions.headers[.allow] == "DELETE, GET, PATCH")
            // The JSON read of the same tree is untouched.
            let json = try await client.send(.get, "\(base)/goal-trees/\(tree.id)", key: seed.key)
            #expect(json.headers[.contentType] == "application/json")
        }
    }

    struct Tree {
        let id: String
        let goal: String
        let csf: String
        let condition: String
        let amber: String
    }

    /// Goal (green) <- CSF (green) <- condition (red, confidence 30, Ida); goal <- amber CSF.
    static func tree(_ client: some TestClientProtocol, _ seed: PageSeed) async throws -> Tree {
        let base = "/v1/orgs/\(seed.org)/goal-trees"
        let created = try await client.send(
            .post, base, key: seed.key,
            json: #"{"name":"Growth <2027>","goal":{"kind":"goal","title":"Profitable growth","status":"green"}}"#)
        let id = try #require((created.json["tree"] as? [String: Any])?["id"] as? String, "\(created.text)")
        let goal = try #require((created.json["goal"] as? [String: Any])?["id"] as? String).lowercased()
        func node(_ body: String, parent: String) async throws -> String {
            let response = try await client.send(
                .post, "\(base)/\(id)/nodes", key: seed.key, json: #"{"node":\#(body),"parent_ids":["\#(parent)"]}"#)
            return try #require(response.json["id"] as? String, "\(response.text)").lowercased()
        }
        let csf = try await node(
            #"{"kind":"critical_success_factor","title":"Reliable delivery","status":"green","confidence":90}"#,
            parent: goal)
        let amber = try await node(
            #"{"kind":"critical_success_factor","title":"New markets","status":"amber"}"#, parent: goal)
        let condition = try await node(
            #"{"kind":"necessary_condition","title":"Trained staff","status":"red","confidence":30,"#
                + #""accountable_leader_id":"\#(seed.ida)"}"#,
            parent: csf)
        return Tree(id: id, goal: goal, csf: csf, condition: condition, amber: amber)
    }
}

/// The fill of the first rect inside each element with an id, from a real XML parse.
final class Fills: NSObject, XMLParserDelegate {
    private var fills: [String: String] = [:]
    private var groups: [String?] = []

    static func parse(_ text: String) -> [String: String]? {
        let fills = Fills()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = fills
        return parser.parse() ? fills.fills : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if name == "rect", let group = groups.last(where: { $0 != nil }) ?? nil, fills[group] == nil {
            fills[group] = attributes["fill"]
        }
        groups.append(attributes["id"])
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        groups.removeLast()
    }
}
