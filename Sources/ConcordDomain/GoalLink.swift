/// "In order to have `parent` we must have `child`."
public struct GoalLink<ID: Hashable & Sendable>: Sendable, Hashable {
    public var parent: ID
    public var child: ID

    public init(parent: ID, child: ID) {
        self.parent = parent
        self.child = child
    }
}
