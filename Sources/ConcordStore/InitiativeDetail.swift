import ConcordDomain
import Foundation

/// An initiative with its areas, the leaders who must be aligned on it, their latest ratings and the
/// alignment index computed from them.
public struct InitiativeDetail: Sendable, Codable, Hashable, SnakeCaseKeyed {
    public let initiative: Initiative
    public let leadArea: Area
    public let supportingAreas: [SupportingAreaDetail]
    /// Heads of the lead and supporting areas (a supporting area's accountable leader when it has one),
    /// each once: the lead area's head first, then in the order the supporting areas were added.
    public let requiredLeaders: [RequiredLeader]
    public let alignment: AlignmentSummary
    /// The alignment gate and whether the initiative meets it now.
    public let gate: GateStatus
    /// When it first reached its gate and how long that took, from the rating history.
    public let timeToAlignment: TimeToAlignment?
    /// Required leaders whose newest rating fell from the one before.
    public let supportDrops: [SupportDropRecord]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case initiative
        case leadArea = "lead_area"
        case supportingAreas = "supporting_areas"
        case requiredLeaders = "required_leaders"
        case alignment
        case gate
        case timeToAlignment = "time_to_alignment"
        case supportDrops = "support_drops"
    }
}

/// A supporting area of an initiative, with the area itself.
public struct SupportingAreaDetail: Sendable, Codable, Hashable, SnakeCaseKeyed {
    public let area: Area
    public let support: String
    public let accountableLeaderID: UUID?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case area
        case support
        case accountableLeaderID = "accountable_leader_id"
    }
}

/// A leader whose alignment an initiative needs, and their latest rating of it.
public struct RequiredLeader: Sendable, Codable, Hashable, SnakeCaseKeyed {
    public let leaderID: UUID
    public let name: String
    /// The (first) area that makes the leader required.
    public let areaID: UUID
    public let latestRating: RatingRecord?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case leaderID = "leader_id"
        case name
        case areaID = "area_id"
        case latestRating = "latest_rating"
    }
}

/// The alignment index of an initiative (see `ConcordDomain.AlignmentIndex`), ready to serve.
public struct AlignmentSummary: Sendable, Codable, Hashable, SnakeCaseKeyed {
    /// Aligned / required, 0...1; nil when no leader is required.
    public let index: Decimal?
    /// The initiative's revisit cadence, or the organisation's default.
    public let revisitWindowDays: Int
    public let required: [UUID]
    public let aligned: [UUID]
    /// Fresh ratings more than 1 away from the initiative's importance.
    public let outOfLine: [UUID]
    /// Latest rating older than the revisit window.
    public let stale: [UUID]
    /// Never rated.
    public let missing: [UUID]
    /// Fresh ratings with a resistance note.
    public let resisting: [UUID]
    /// Spread of the fresh priorities; nil when none is fresh.
    public let spread: Spread?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case index
        case revisitWindowDays = "revisit_window_days"
        case required
        case aligned
        case outOfLine = "out_of_line"
        case stale
        case missing
        case resisting
        case spread
    }

    public struct Spread: Sendable, Codable, Hashable, SnakeCaseKeyed {
        public let count: Int
        public let min: Int
        public let max: Int
        public let mean: Decimal
        public let standardDeviation: Double

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case count
            case min
            case max
            case mean
            case standardDeviation = "standard_deviation"
        }
    }

    init(_ index: AlignmentIndex<UUID>, revisitWindowDays: Int) {
        self.index = index.index
        self.revisitWindowDays = revisitWindowDays
        required = index.required
        aligned = index.aligned
        outOfLine = index.outOfLine
        stale = index.stale
        missing = index.missing
        resisting = index.resisting
        spread = index.spread.map {
            Spread(count: $0.count, min: $0.min, max: $0.max, mean: $0.mean, standardDeviation: $0.standardDeviation)
        }
    }
}
