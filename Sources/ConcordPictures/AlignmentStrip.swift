import ConcordDomain
import Foundation

/// An initiative's alignment as a heat strip: one cell per required leader, highest priority first, shaded
/// by the priority of their latest answer, with a bar for their buy-in; a stale answer is hatched and
/// labelled, a missing one grey. The initiative's importance is drawn as a reference for "in line".
public struct AlignmentStrip: Sendable {
    public struct Leader: Sendable {
        public let id: UUID
        public let name: String
        /// The latest answer's priority; nil when the leader never answered.
        public let priority: Int?
        public let buyIn: BuyIn?
        /// Older than the revisit window: it no longer counts as aligned.
        public let stale: Bool

        public init(id: UUID, name: String, priority: Int?, buyIn: BuyIn?, stale: Bool) {
            self.id = id
            self.name = name
            self.priority = priority
            self.buyIn = buyIn
            self.stale = stale
        }
    }

    public let title: String
    /// The sponsor's importance, 1-5.
    public let importance: Int
    public let leaders: [Leader]

    public init(title: String, importance: Int, leaders: [Leader]) {
        self.title = title
        self.importance = importance
        self.leaders = leaders
    }

    /// Highest priority first, unanswered last, then by name, so the strip reads like a ranking.
    public var ordered: [Leader] {
        leaders.sorted { lhs, rhs in
            switch (lhs.priority, rhs.priority) {
            case let (left?, right?) where left != right: left > right
            case (.some, nil): true
            case (nil, .some): false
            default: lhs.name < rhs.name
            }
        }
    }

    static let cellWidth = 132.0
    static let cellHeight = 64.0
    static let barHeight = 12.0
    static let margin = 20.0
    static let header = 52.0

    public func svg() -> String {
        let ordered = ordered
        let n = SVGWriter.number
        let width = max(2 * Self.margin + Double(max(ordered.count, 1)) * Self.cellWidth, 360)
        let height = 2 * Self.margin + Self.header + Self.cellHeight + Self.barHeight + 28
        return SVGWriter.document(
            width: width, height: height, title: "Alignment: \(title)",
            description: "\(ordered.count) required leaders by the priority of their latest answer "
                + "(pale 1 to deep blue 5, grey: no answer); the bar below shows buy-in; hatched: stale."
        ) { svg in
            svg.begin("defs")
            svg.begin(
                "pattern",
                [
                    "id": "stale", "width": "8", "height": "8", "patternUnits": "userSpaceOnUse",
                    "patternTransform": "rotate(45)",
                ])
            svg.element("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "8", "stroke": "#6b7280", "stroke-width": "3"])
            svg.end()
            svg.end()
            svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
            svg.element(
                "text",
                [
                    "x": n(Self.margin), "y": n(Self.margin + 14), "font-size": "17", "font-weight": "bold",
                    "fill": "#1b1f24",
                ],
                text: title.truncated(to: 70))
            svg.element(
                "text", ["x": n(Self.margin), "y": n(Self.margin + 36), "font-size": "13", "fill": "#4a5563"],
                text: "importance \(importance) of 5 · \(ordered.count) required leaders")
            if ordered.isEmpty {
                svg.element(
                    "text",
                    [
                        "x": n(Self.margin), "y": n(Self.margin + Self.header + 24), "font-size": "14",
                        "fill": "#4a5563",
                    ],
                    text: "No leader is required yet.")
            }
            for (index, leader) in ordered.enumerated() {
                Self.draw(
                    leader, importance: importance,
                    at: (Self.margin + Double(index) * Self.cellWidth, Self.margin + Self.header), into: &svg)
            }
        }
    }

    private static func draw(
        _ leader: Leader, importance: Int, at origin: (x: Double, y: Double), into svg: inout SVGWriter
    ) {
        let n = SVGWriter.number
        let inLine = leader.priority.map { abs($0 - importance) <= 1 } ?? false
        svg.begin(
            "g",
            [
                "id": "leader-\(leader.id.uuidString.lowercased())",
                "data-priority": leader.priority.map(String.init) ?? "",
                "data-stale": leader.stale ? "true" : "false",
            ])
        svg.element(
            "title", [:],
            text: leader.name + ": "
                + (leader.priority.map { "priority \($0)" } ?? "no answer")
                + (leader.buyIn.map { ", \($0.rawValue)" } ?? "") + (leader.stale ? ", stale" : ""))
        let cell = (x: n(origin.x + 2), y: n(origin.y), w: n(cellWidth - 4), h: n(cellHeight))
        svg.element(
            "rect",
            [
                "x": cell.x, "y": cell.y, "width": cell.w, "height": cell.h,
                "fill": Palette.fill(priority: leader.priority),
                "stroke": inLine && !leader.stale ? "#1b1f24" : "#9ca3af", "stroke-width": inLine ? "2" : "1",
                "stroke-dasharray": leader.stale ? "5 3" : "none",
            ])
        if leader.stale {
            svg.element(
                "rect",
                ["x": cell.x, "y": cell.y, "width": cell.w, "height": cell.h, "fill": "url(#stale)", "opacity": "0.35"])
        }
        let ink = Palette.text(onPriority: leader.priority)
        svg.element(
            "text",
            ["x": n(origin.x + 10), "y": n(origin.y + 22), "font-size": "13", "font-weight": "bold", "fill": ink],
            text: leader.name.truncated(to: 16))
        svg.element(
            "text", ["x": n(origin.x + 10), "y": n(origin.y + 42), "font-size": "12", "fill": ink],
            text: leader.priority.map { "priority \($0)" } ?? "no answer")
        if leader.stale {
            svg.element(
                "text",
                ["x": n(origin.x + 10), "y": n(origin.y + 58), "font-size": "11", "fill": ink, "font-weight": "bold"],
                text: "STALE")
        }
        svg.element(
            "rect",
            [
                "x": cell.x, "y": n(origin.y + cellHeight + 4), "width": cell.w, "height": n(barHeight),
                "fill": Palette.fill(buyIn: leader.buyIn),
            ])
        svg.element(
            "text",
            [
                "x": n(origin.x + 10), "y": n(origin.y + cellHeight + barHeight + 20), "font-size": "11",
                "fill": "#4a5563",
            ],
            text: leader.buyIn?.rawValue ?? "buy-in not given")
        svg.end()
    }
}
