import ConcordDomain
import Foundation
import Testing

@testable import ConcordPictures

/// A known tree drawn as SVG: valid XML, each node filled by its rolled-up status, its confidence and
/// leader written out, one arrow per link (two for a condition that serves two parents), layers by depth.
@Suite struct GoalTreePictureTests {
    let goal = UUID()
    let growth = UUID()
    let quality = UUID()
    let shared = UUID()
    let training = UUID()

    /// Goal <- (growth: amber, quality: red) <- shared (serves both, green), training under quality.
    var picture: GoalTreePicture {
        GoalTreePicture(
            title: "Grow <profitably> & \"well\"",
            nodes: [
                .init(
                    id: goal, title: "Profitable growth", kind: .goal, status: .red, confidence: 40, leader: "Ana",
                    parentIDs: []),
                .init(
                    id: growth, title: "New markets", kind: .criticalSuccessFactor, status: .amber, confidence: 60,
                    leader: "Ben <CEO>", parentIDs: [goal]),
                .init(
                    id: quality, title: "Fewer defects", kind: .criticalSuccessFactor, status: .red, confidence: 40,
                    leader: nil, parentIDs: [goal]),
                .init(
                    id: shared, title: "ERP <script>alert(1)</script>", kind: .necessaryCondition, status: .green,
                    confidence: nil, leader: "Cleo", parentIDs: [growth, quality]),
                .init(
                    id: training, title: "Trained staff", kind: .necessaryCondition, status: .red, confidence: 40,
                    leader: "Dan", parentIDs: [quality]),
            ])
    }

    func key(_ id: UUID) -> String { "node-\(id.uuidString.lowercased())" }

    @Test func isWellFormedXMLWithEveryValueEscaped() throws {
        let svg = picture.svg()
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let parsed = try #require(SVGElements.parse(svg), "not well-formed XML")
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("ERP &lt;script&gt;alert(1)&lt;/script&gt;"))
        // Escaped in the source, the same text again once parsed.
        let title = try #require(parsed.inside(key(shared), named: "title").first)
        #expect(title.text == "ERP <script>alert(1)</script> (green)")
        #expect(parsed.elements.contains { $0.name == "text" && $0.text == "Grow <profitably> & \"well\"" })
    }

    @Test func nodesAreFilledByRolledUpStatus() throws {
        let parsed = try #require(SVGElements.parse(picture.svg()))
        let expected: [(UUID, String, String)] = [
            (goal, "#ffcdd2", "red"), (growth, "#ffe0b2", "amber"), (quality, "#ffcdd2", "red"),
            (shared, "#c8e6c9", "green"), (training, "#ffcdd2", "red"),
        ]
        for (id, fill, status) in expected {
            let rect = try #require(parsed.inside(key(id), named: "rect").first)
            #expect(rect.attributes["fill"] == fill, "\(status) node")
            let group = try #require(parsed.elements.first { $0.attributes["id"] == key(id) })
            #expect(group.attributes["data-status"] == status)
        }
    }

    @Test func showsConfidenceAndAccountableLeader() throws {
        let parsed = try #require(SVGElements.parse(picture.svg()))
        func lines(_ id: UUID) -> [String] { parsed.inside(key(id), named: "text").map(\.text) }
        #expect(lines(growth).contains("confidence 60%"))
        #expect(lines(growth).contains("leader: Ben <CEO>"))
        #expect(lines(quality).contains("no accountable leader"))
        #expect(lines(shared).contains("confidence not estimated"))
        #expect(lines(goal).first == "Goal · red")
    }

    @Test func drawsEveryLinkOfTheDAGOnce() throws {
        let parsed = try #require(SVGElements.parse(picture.svg()))
        let links = Set(
            parsed.elements.filter { $0.group == "links" && $0.name == "path" }.compactMap { element in
                element.attributes["data-child"].flatMap { child in
                    element.attributes["data-parent"].map { "\(child)>\($0)" }
                }
            })
        func link(_ child: UUID, _ parent: UUID) -> String {
            "\(child.uuidString.lowercased())>\(parent.uuidString.lowercased())"
        }
        #expect(
            links == [
                link(growth, goal), link(quality, goal), link(shared, growth), link(shared, quality),
                link(training, quality),
            ])
    }

    @Test func layersNodesByLongestPathFromTheGoal() {
        let layout = GoalTreeLayout(
            order: picture.nodes.map(\.id),
            parents: Dictionary(uniqueKeysWithValues: picture.nodes.map { ($0.id, $0.parentIDs) }))
        #expect(layout.layers.count == 3)
        #expect(layout.layers[0] == [goal])
        #expect(Set(layout.layers[1]) == [growth, quality])
        // The shared condition sits between its two parents' children: left of the one under quality only.
        #expect(layout.layers[2] == [shared, training])
    }

    @Test func anEmptyTreeIsStillAPicture() throws {
        let svg = GoalTreePicture(title: "Empty", nodes: []).svg()
        #expect(SVGElements.parse(svg) != nil)
    }
}
