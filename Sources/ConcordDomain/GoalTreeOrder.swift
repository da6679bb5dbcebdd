extension GoalTree {
    /// Parents before children (Kahn's algorithm; ties broken by node order), or the cycle that prevents it.
    public func topologicalOrder() throws(GoalTreeError<ID>) -> [ID] {
        var indegree: [ID: Int] = [:]
        for node in nodes { indegree[node.id] = parents(of: node.id).count }
        var ready = nodes.map(\.id).filter { indegree[$0] == 0 }
        var order: [ID] = []
        var head = 0
        while head < ready.count {
            let id = ready[head]
            head += 1
            order.append(id)
            for child in children(of: id) {
                indegree[child, default: 0] -= 1
                if indegree[child] == 0 { ready.append(child) }
            }
        }
        if order.count < index.count, let cycle = findCycle() { throw .cycle(cycle) }
        return order
    }

    /// Depth below the goal: the goal is 0 and a node sits one below its deepest parent.
    ///
    /// The longest path (not the shortest) so that every node is drawn below all of its parents.
    /// Nodes the goal cannot reach are absent.
    public func depths(from goal: ID) throws(GoalTreeError<ID>) -> [ID: Int] {
        let order = try topologicalOrder()
        var depth: [ID: Int] = [goal: 0]
        for id in order {
            guard let own = depth[id] else { continue }
            for child in children(of: id) { depth[child] = Swift.max(depth[child] ?? 0, own + 1) }
        }
        return depth
    }

    /// Every node reachable downward from `start`, including it.
    public func reachable(from start: ID) -> Set<ID> {
        var seen: Set<ID> = [start]
        var queue = [start]
        while let id = queue.popLast() {
            for child in children(of: id) where seen.insert(child).inserted { queue.append(child) }
        }
        return seen
    }
}
