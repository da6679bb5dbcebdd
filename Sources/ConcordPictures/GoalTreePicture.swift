import ConcordDomain
import Foundation

/// A Goal Tree as an SVG picture: one box per node, coloured by its rolled-up status, with its kind,
/// rolled-up confidence and accountable leader; an arrow from each necessary condition up to every node it
/// serves, so a node with two parents shows both links (the tree is a DAG).
public struct GoalTreePicture: Sendable {
    public struct Node: Sendable {
        public let id: UUID
        public let title: String
        public let kind: NodeKind
        /// Rolled up: the worst of the node and everything below it.
        public let status: NodeStatus
        /// Rolled up (0-100); nil when nothing below is estimated.
        public let confidence: Int?
        /// The accountable leader's name.
        public let leader: String?
        public let parentIDs: [UUID]

        public init(
            id: UUID, title: String, kind: NodeKind, status: NodeStatus, confidence: Int?, leader: String?,
            parentIDs: [UUID]
        ) {
            self.id = id
            self.title = title
            self.kind = kind
            self.status = status
            self.confidence = confidence
            self.leader = leader
            self.parentIDs = parentIDs
        }
    }

    public let title: String
    /// In a stable order (creation order); it breaks ties in the layout.
    public let nodes: [Node]

    public init(title: String, nodes: [Node]) {
        self.title = title
        self.nodes = nodes
    }

    static let boxWidth = 220.0
    static let boxHeight = 84.0
    static let gapX = 28.0
    static let gapY = 64.0
    static let margin = 24.0
    static let header = 40.0

    public func svg() -> String {
        let parents = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.parentIDs) })
        let layout = GoalTreeLayout(order: nodes.map(\.id), parents: parents)
        let widest = Double(layout.layers.map(\.count).max() ?? 0)
        let width = max(2 * Self.margin + widest * Self.boxWidth + max(widest - 1, 0) * Self.gapX, 320)
        let height =
            2 * Self.margin + Self.header + Double(layout.layers.count) * Self.boxHeight
            + Double(max(layout.layers.count - 1, 0)) * Self.gapY
        var origin: [UUID: (x: Double, y: Double)] = [:]
        for (index, layer) in layout.layers.enumerated() {
            let span = Double(layer.count) * Self.boxWidth + Double(max(layer.count - 1, 0)) * Self.gapX
            let left = (width - span) / 2
            for (slot, id) in layer.enumerated() {
                origin[id] = (
                    left + Double(slot) * (Self.boxWidth + Self.gapX),
                    Self.margin + Self.header + Double(index) * (Self.boxHeight + Self.gapY)
                )
            }
        }
        let byID = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0) })
        return SVGWriter.document(
            width: width, height: height, title: "Goal tree: \(title)",
            description: "\(nodes.count) nodes coloured by rolled-up status (green, amber, red); "
                + "arrows point from a necessary condition to what it serves."
        ) { svg in
            svg.begin("defs")
            svg.begin(
                "marker",
                [
                    "id": "arrow", "viewBox": "0 0 10 10", "refX": "9", "refY": "5", "markerWidth": "7",
                    "markerHeight": "7", "orient": "auto-start-reverse",
                ])
            svg.element("path", ["d": "M0,0 L10,5 L0,10 z", "fill": "#4a5563"])
            svg.end()
            svg.end()
            svg.element("rect", ["width": "100%", "height": "100%", "fill": "#ffffff"])
            svg.element(
                "text",
                [
                    "x": SVGWriter.number(Self.margin), "y": SVGWriter.number(Self.margin + 14), "font-size": "18",
                    "font-weight": "bold", "fill": "#1b1f24",
                ],
                text: title.truncated(to: 80))
            svg.begin("g", ["id": "links", "fill": "none", "stroke": "#4a5563", "stroke-width": "1.5"])
            for node in nodes {
                guard let child = origin[node.id] else { continue }
                for parentID in node.parentIDs {
                    guard let parent = origin[parentID] else { continue }
                    let from = (x: child.x + Self.boxWidth / 2, y: child.y)
                    let to = (x: parent.x + Self.boxWidth / 2, y: parent.y + Self.boxHeight)
                    let bend = (from.y - to.y) / 2
                    let n = SVGWriter.number
                    svg.element(
                        "path",
                        [
                            "d":
                                "M\(n(from.x)),\(n(from.y)) C\(n(from.x)),\(n(from.y - bend)) "
                                + "\(n(to.x)),\(n(to.y + bend)) \(n(to.x)),\(n(to.y))",
                            "marker-end": "url(#arrow)",
                            "data-parent": parentID.uuidString.lowercased(),
                            "data-child": node.id.uuidString.lowercased(),
                        ])
                }
            }
            svg.end()
            for id in layout.layers.joined() {
                guard let node = byID[id], let at = origin[id] else { continue }
                Self.draw(node, at: at, into: &svg)
            }
        }
    }

    private static func draw(_ node: Node, at origin: (x: Double, y: Double), into svg: inout SVGWriter) {
        let n = SVGWriter.number
        let id = node.id.uuidString.lowercased()
        svg.begin("g", ["id": "node-\(id)", "data-status": node.status.rawValue])
        svg.element("title", [:], text: "\(node.title) (\(node.status.rawValue))")
        svg.element(
            "rect",
            [
                "x": n(origin.x), "y": n(origin.y), "width": n(boxWidth), "height": n(boxHeight), "rx": "8",
                "fill": Palette.fill(node.status), "stroke": Palette.stroke(node.status),
                "stroke-width": node.kind == .goal ? "3" : "1.5",
            ])
        let lines: [(String, String, String)] = [
            (kindLabel(node.kind) + " · " + node.status.rawValue, "11", "#4a5563"),
            (node.title.truncated(to: 30), "14", "#1b1f24"),
            ("confidence " + (node.confidence.map { "\($0)%" } ?? "not estimated"), "12", "#1b1f24"),
            ((node.leader.map { "leader: \($0)" } ?? "no accountable leader").truncated(to: 34), "12", "#1b1f24"),
        ]
        for (index, line) in lines.enumerated() {
            svg.element(
                "text",
                [
                    "x": n(origin.x + 10), "y": n(origin.y + 18 + Double(index) * 18), "font-size": line.1,
                    "fill": line.2, "font-weight": index == 1 ? "bold" : "normal",
                ],
                text: line.0)
        }
        svg.end()
    }

    static func kindLabel(_ kind: NodeKind) -> String {
        switch kind {
        case .goal: "Goal"
        case .criticalSuccessFactor: "Critical success factor"
        case .necessaryCondition: "Necessary condition"
        }
    }
}
