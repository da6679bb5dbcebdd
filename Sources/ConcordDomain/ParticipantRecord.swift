import Foundation

/// One participant's Kirkpatrick/Phillips level 1-3 data; nil means not collected.
public struct ParticipantRecord: Sendable, Hashable, Codable {
    /// Level 1, reaction score.
    public var reaction: Decimal?
    /// Level 2, learning score.
    public var learning: Decimal?
    /// Level 3, application score.
    public var application: Decimal?
    public var completed: Bool?

    public init(reaction: Decimal? = nil, learning: Decimal? = nil, application: Decimal? = nil, completed: Bool? = nil)
    {
        self.reaction = reaction
        self.learning = learning
        self.application = application
        self.completed = completed
    }
}
