extension GoalTree {
    /// The cycle a new link `parent -> child` would close, as a path from `parent` back to `parent`; nil if safe.
    ///
    /// Checked before inserting a link, so the stored tree stays a DAG.
    public func cycle(addingLinkFrom parent: ID, to child: ID) -> [ID]? {
        if parent == child { return [parent, parent] }
        guard let path = path(from: child, to: parent) else { return nil }
        return [parent] + path
    }

    /// A downward path from `start` to `target` (both included), found depth-first in link order.
    public func path(from start: ID, to target: ID) -> [ID]? {
        var visited = Set<ID>()
        var path: [ID] = []
        func visit(_ id: ID) -> Bool {
            guard visited.insert(id).inserted else { return false }
            path.append(id)
            if id == target { return true }
            for child in children(of: id) where visit(child) { return true }
            path.removeLast()
            return false
        }
        return visit(start) ? path : nil
    }

    /// Some cycle among the existing links, for reporting; nil for a DAG.
    public func findCycle() -> [ID]? {
        var state: [ID: Bool] = [:]  // false: on the stack, true: done
        var stack: [ID] = []
        func visit(_ id: ID) -> [ID]? {
            if let done = state[id] {
                guard !done, let start = stack.firstIndex(of: id) else { return nil }
                return Array(stack[start...]) + [id]
            }
            state[id] = false
            stack.append(id)
            for child in children(of: id) {
                if let found = visit(child) { return found }
            }
            stack.removeLast()
            state[id] = true
            return nil
        }
        for node in nodes {
            if let found = visit(node.id) { return found }
        }
        return nil
    }
}
