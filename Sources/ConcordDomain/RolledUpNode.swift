/// A node's status and confidence after taking its descendants into account.
public struct RolledUpNode: Sendable, Hashable {
    public let status: NodeStatus
    /// 0-100.
    public let confidence: Int

    public init(status: NodeStatus, confidence: Int) {
        self.status = status
        self.confidence = confidence
    }
}
