import ConcordDomain
import Foundation

/// Which initiatives a list returns; nil fields do not filter.
public struct InitiativeFilter: Sendable, Hashable {
    public var stage: Stage?
    public var health: Health?
    public var leadAreaID: UUID?
    /// Only initiatives with a required leader whose latest rating is older than the revisit window
    /// (as of `now`), or with none at all.
    public var hasStaleAlignment: Bool?
    public var includeArchived: Bool

    public init(
        stage: Stage? = nil, health: Health? = nil, leadAreaID: UUID? = nil, hasStaleAlignment: Bool? = nil,
        includeArchived: Bool = false
    ) {
        self.stage = stage
        self.health = health
        self.leadAreaID = leadAreaID
        self.hasStaleAlignment = hasStaleAlignment
        self.includeArchived = includeArchived
    }
}
