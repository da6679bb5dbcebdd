/// A Goal Tree as a DAG: a Necessary Condition may serve several parents.
///
/// Nodes keep their given order, which makes every traversal deterministic.
public struct GoalTree<ID: Hashable & Sendable>: Sendable {
    public let nodes: [GoalNode<ID>]
    public let links: [GoalLink<ID>]
    let index: [ID: Int]
    let childIDs: [ID: [ID]]
    let parentIDs: [ID: [ID]]

    /// Duplicate links are kept once; links naming unknown nodes are kept for `validate()` but not traversed.
    public init(nodes: [GoalNode<ID>], links: [GoalLink<ID>]) {
        var index: [ID: Int] = [:]
        for (position, node) in nodes.enumerated() where index[node.id] == nil { index[node.id] = position }
        var seen = Set<GoalLink<ID>>()
        let unique = links.filter { seen.insert($0).inserted }
        var children: [ID: [ID]] = [:]
        var parents: [ID: [ID]] = [:]
        for link in unique where index[link.parent] != nil && index[link.child] != nil {
            children[link.parent, default: []].append(link.child)
            parents[link.child, default: []].append(link.parent)
        }
        self.nodes = nodes
        self.links = unique
        self.index = index
        self.childIDs = children
        self.parentIDs = parents
    }

    /// The node with this id, if present.
    public func node(_ id: ID) -> GoalNode<ID>? { index[id].map { nodes[$0] } }

    /// Direct children, in link order.
    public func children(of id: ID) -> [ID] { childIDs[id] ?? [] }

    /// Direct parents, in link order.
    public func parents(of id: ID) -> [ID] { parentIDs[id] ?? [] }

    /// The goal nodes; a valid tree has exactly one.
    public var goals: [GoalNode<ID>] { nodes.filter { $0.kind == .goal } }
}
