import ConcordDomain
import Foundation
import Testing

@testable import ConcordPictures

/// The alignment heat strip: leaders ranked by priority, cells shaded by priority, buy-in bars, stale
/// answers marked, unanswered ones grey and last; valid XML with names escaped.
@Suite struct AlignmentStripTests {
    let ida = UUID()
    let max = UUID()
    let eve = UUID()
    let bob = UUID()

    var strip: AlignmentStrip {
        AlignmentStrip(
            title: "ERP <rollout>", importance: 4,
            leaders: [
                .init(id: ida, name: "Ida", priority: 2, buyIn: .aware, stale: false),
                .init(id: max, name: "Max & Co", priority: 5, buyIn: .acting, stale: false),
                .init(id: eve, name: "Eve", priority: nil, buyIn: nil, stale: false),
                .init(id: bob, name: "Bob", priority: 4, buyIn: .committed, stale: true),
            ])
    }

    func key(_ id: UUID) -> String { "leader-\(id.uuidString.lowercased())" }

    @Test func ranksLeadersByPriorityWithUnansweredLast() {
        #expect(strip.ordered.map(\.id) == [max, bob, ida, eve])
    }

    @Test func shadesCellsByPriorityAndMarksStaleAnswers() throws {
        let svg = strip.svg()
        let parsed = try #require(SVGElements.parse(svg), "not well-formed XML")
        let groups = parsed.elements.filter { $0.attributes["id"]?.hasPrefix("leader-") == true }
        #expect(groups.map { $0.attributes["id"] } == [key(max), key(bob), key(ida), key(eve)])
        let fills = { (id: UUID) in parsed.inside(key(id), named: "rect").compactMap { $0.attributes["fill"] } }
        #expect(fills(max) == ["#08519c", "#1a9850"])
        #expect(fills(ida) == ["#bdd7e7", "#fc8d59"])
        #expect(fills(eve) == ["#e0e0e0", "#bdbdbd"])
        // Stale: dashed border, a hatched overlay and the word.
        #expect(fills(bob) == ["#3182bd", "url(#stale)", "#91cf60"])
        #expect(parsed.inside(key(bob), named: "text").map(\.text).contains("STALE"))
        #expect(parsed.inside(key(bob), named: "rect").first?.attributes["stroke-dasharray"] == "5 3")
        #expect(!parsed.inside(key(max), named: "text").map(\.text).contains("STALE"))
        #expect(parsed.inside(key(max), named: "text").first?.text == "Max & Co")
        #expect(svg.contains("ERP &lt;rollout&gt;"))
    }

    @Test func anInitiativeWithoutRequiredLeadersSaysSo() throws {
        let svg = AlignmentStrip(title: "Quiet", importance: 3, leaders: []).svg()
        let parsed = try #require(SVGElements.parse(svg))
        #expect(parsed.elements.contains { $0.text == "No leader is required yet." })
    }
}
