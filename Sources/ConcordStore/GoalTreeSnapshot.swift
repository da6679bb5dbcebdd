import ConcordDomain
import Foundation

/// A whole Goal Tree as read in one round trip, with every node's rolled-up status and confidence.
public struct GoalTreeSnapshot: Sendable, Codable, Hashable {
    public let tree: GoalTreeRecord
    /// In creation order.
    public let nodes: [Node]
    public let links: [GoalLinkRecord]

    public struct Node: Sendable, Codable, Hashable {
        public let node: GoalNodeRecord
        /// The worst of the node's own status and its descendants' (red beats amber beats green).
        public let rolledUpStatus: NodeStatus
        /// The minimum of the estimates in the node's subtree (fuzzy AND); nil when none is estimated.
        public let rolledUpConfidence: Int?
        /// Links below the goal on the longest path; nil for a node the goal does not reach.
        public let depth: Int?
        public let parentIDs: [UUID]
        public let childIDs: [UUID]
        /// The initiatives that serve this node.
        public let initiativeIDs: [UUID]
    }

    /// The node with `id`, if in the tree.
    public func node(_ id: UUID) -> Node? { nodes.first { $0.node.id == id } }

    /// Rolls the nodes up with `ConcordDomain.GoalTree`. A node without an estimate takes no part in the
    /// confidence minimum (it counts as 100 there), and its rolled-up confidence is nil when nothing in its
    /// subtree is estimated.
    init(tree: GoalTreeRecord, nodes: [GoalNodeRecord], links: [GoalLinkRecord], initiatives: [UUID: [UUID]]) throws {
        let domain = GoalTree(
            nodes: nodes.map {
                GoalNode(id: $0.id, kind: $0.kind, status: $0.status, confidence: $0.confidence ?? 100)
            },
            links: links.map { GoalLink(parent: $0.parentID, child: $0.childID) })
        let rolled: [UUID: RolledUpNode]
        var depths: [UUID: Int] = [:]
        do {
            rolled = try domain.rollUp()
            if let goal = domain.goals.first { depths = try domain.depths(from: goal.id) }
        } catch {
            throw StoreError.invalid(constraint: "goal_links_no_cycle", message: "the goal tree's links form a cycle")
        }
        let estimated = Set(nodes.filter { $0.confidence != nil }.map(\.id))
        self.tree = tree
        self.links = links
        self.nodes = nodes.map { node in
            let subtree = domain.reachable(from: node.id)
            return Node(
                node: node, rolledUpStatus: rolled[node.id]?.status ?? node.status,
                rolledUpConfidence: subtree.isDisjoint(with: estimated) ? nil : rolled[node.id]?.confidence,
                depth: depths[node.id], parentIDs: domain.parents(of: node.id), childIDs: domain.children(of: node.id),
                initiativeIDs: initiatives[node.id] ?? [])
        }
    }
}
