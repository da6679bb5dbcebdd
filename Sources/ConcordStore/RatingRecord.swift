import ConcordDomain
import Foundation
import PQ

/// One stored alignment rating: a leader's answer for an initiative at a moment. Never changed.
public struct RatingRecord: Sendable, Codable, Hashable, Identifiable, SnakeCaseKeyed {
    public let id: UUID
    public let initiativeID: UUID
    public let leaderID: UUID
    /// 1-5.
    public let priority: Int
    /// Nil when not asked (a nudge answer may carry only the priority).
    public let buyIn: BuyIn?
    public let resistanceNote: String?
    public let source: RatingSource
    public let ratedAt: Date
    /// The actor that recorded it (`app.actor`).
    public let recordedBy: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case initiativeID = "initiative_id"
        case leaderID = "leader_id"
        case priority
        case buyIn = "buy_in"
        case resistanceNote = "resistance_note"
        case source
        case ratedAt = "rated_at"
        case recordedBy = "recorded_by"
    }

    /// The select list `init(row:)` reads, for the table under alias `ar`.
    static let columns = """
        ar.id, ar.initiative_id, ar.leader_id, ar.priority, ar.buy_in, ar.resistance_note, ar.source,
        ar.rated_at, ar.recorded_by
        """

    init(row: Row) throws {
        id = try row.decode("id")
        initiativeID = try row.decode("initiative_id")
        leaderID = try row.decode("leader_id")
        priority = try row.decode("priority")
        buyIn = try row.decodeEnum("buy_in", as: BuyIn?.self)
        resistanceNote = try row.decode("resistance_note")
        source = try row.decodeEnum("source")
        ratedAt = try row.decode("rated_at")
        recordedBy = try row.decode("recorded_by")
    }

    /// The domain's view for the alignment index. A rating without a buy-in stage reads as `unaware`
    /// there; the index does not look at buy-in.
    var domainRating: AlignmentRating {
        AlignmentRating(priority: priority, buyIn: buyIn ?? .unaware, ratedAt: ratedAt, resistanceNote: resistanceNote)
    }
}

/// A rating to record.
public struct NewRating: Sendable, Codable, Hashable {
    public var initiativeID: UUID
    public var leaderID: UUID
    public var priority: Int
    public var buyIn: BuyIn?
    public var resistanceNote: String?
    public var source: RatingSource
    /// Nil: the transaction's time.
    public var ratedAt: Date?

    public init(
        initiativeID: UUID, leaderID: UUID, priority: Int, buyIn: BuyIn? = nil, resistanceNote: String? = nil,
        source: RatingSource = .api, ratedAt: Date? = nil
    ) {
        self.initiativeID = initiativeID
        self.leaderID = leaderID
        self.priority = priority
        self.buyIn = buyIn
        self.resistanceNote = resistanceNote
        self.source = source
        self.ratedAt = ratedAt
    }
}
