/// One objective in a Goal Tree with its own (not rolled-up) status and confidence.
public struct GoalNode<ID: Hashable & Sendable>: Sendable, Hashable {
    public var id: ID
    public var kind: NodeKind
    public var status: NodeStatus
    /// 0-100; values outside are clamped when rolled up.
    public var confidence: Int

    public init(id: ID, kind: NodeKind, status: NodeStatus, confidence: Int) {
        self.id = id
        self.kind = kind
        self.status = status
        self.confidence = confidence
    }
}
