extension GoalTree {
    /// Rolls status and confidence up from the leaves.
    ///
    /// Status: the worst of the node's own status and its children's rolled-up statuses (any red makes red,
    /// else any amber makes amber). The own status counts too, so an owner who flags a problem is not
    /// overruled by green children. Confidence: the minimum of own and children's (fuzzy AND), clamped to
    /// 0-100. Leaves keep their own values.
    public func rollUp() throws(GoalTreeError<ID>) -> [ID: RolledUpNode] {
        let order = try topologicalOrder()
        var result: [ID: RolledUpNode] = [:]
        for id in order.reversed() {
            guard let node = node(id) else { continue }
            let below = children(of: id).compactMap { result[$0] }
            let status = NodeStatus.worst([node.status] + below.map(\.status))
            let own = Swift.min(100, Swift.max(0, node.confidence))
            let confidence = ([own] + below.map(\.confidence)).min()!
            result[id] = RolledUpNode(status: status, confidence: confidence)
        }
        return result
    }
}
