import ConcordDomain
import Foundation
import PQ

/// A required leader whose newest rating fell from the one before (see `ConcordDomain.SupportDrop`).
public struct SupportDropRecord: Sendable, Codable, Hashable, SnakeCaseKeyed {
    public let leaderID: UUID
    public let name: String
    public let previousPriority: Int
    public let priority: Int
    public let previousBuyIn: BuyIn?
    public let buyIn: BuyIn?
    /// When the newest rating was given.
    public let ratedAt: Date
    /// previous priority - newest priority.
    public let priorityDrop: Int
    /// True when buy-in moved to an earlier stage.
    public let buyInWentBack: Bool

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case leaderID = "leader_id"
        case name
        case previousPriority = "previous_priority"
        case priority
        case previousBuyIn = "previous_buy_in"
        case buyIn = "buy_in"
        case ratedAt = "rated_at"
        case priorityDrop = "priority_drop"
        case buyInWentBack = "buy_in_went_back"
    }

    /// Each leader's newest rating of the initiative and the one before it, for leaders with two or more.
    static func statement(initiativeID: UUID) -> SQL {
        """
        SELECT x.leader_id, x.priority, x.buy_in, x.rated_at, x.previous_priority, x.previous_buy_in
        FROM (
          SELECT r.leader_id, r.priority, r.buy_in, r.rated_at,
                 lag(r.priority) OVER w AS previous_priority, lag(r.buy_in) OVER w AS previous_buy_in,
                 row_number() OVER (PARTITION BY r.leader_id ORDER BY r.rated_at DESC, r.id DESC) AS newest
          FROM alignment_ratings AS r
          WHERE r.org_id = app.current_org() AND r.initiative_id = \(initiativeID)::uuid
          WINDOW w AS (PARTITION BY r.leader_id ORDER BY r.rated_at, r.id)
        ) AS x
        WHERE x.newest = 1 AND x.previous_priority IS NOT NULL
        """
    }

    /// The drops among `rows` (from `statement`), for the leaders named in `names` (the required ones). A
    /// rating without a buy-in stage says nothing about buy-in, so only its priority is compared.
    static func drops(in rows: QueryResult, names: [UUID: String]) throws -> [SupportDropRecord] {
        try rows.decodeAll { row -> SupportDropRecord? in
            let leader: UUID = try row.decode("leader_id")
            guard let name = names[leader] else { return nil }
            let buyIn = try row.decodeEnum("buy_in", as: BuyIn?.self)
            let previousBuyIn = try row.decodeEnum("previous_buy_in", as: BuyIn?.self)
            let ratedAt: Date = try row.decode("rated_at")
            let priority: Int = try row.decode("priority")
            let previousPriority: Int = try row.decode("previous_priority")
            let bothBuyIns = buyIn.flatMap { now in previousBuyIn.map { (now, $0) } }
            let newest = AlignmentRating(priority: priority, buyIn: bothBuyIns?.0 ?? .unaware, ratedAt: ratedAt)
            let previous = AlignmentRating(
                priority: previousPriority, buyIn: bothBuyIns?.1 ?? .unaware, ratedAt: ratedAt)
            guard let drop = SupportDrop.detect(previous: previous, newest: newest) else { return nil }
            return SupportDropRecord(
                leaderID: leader, name: name, previousPriority: previousPriority, priority: priority,
                previousBuyIn: previousBuyIn, buyIn: buyIn, ratedAt: ratedAt, priorityDrop: drop.priorityDrop,
                buyInWentBack: drop.buyInWentBack)
        }.compactMap { $0 }
    }
}
