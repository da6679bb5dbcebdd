import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    /// Appends one rating.
    public func recordRating(_ rating: NewRating) async throws -> RatingRecord {
        try await recordRatings([rating])[0]
    }

    /// Appends several ratings (a workshop's answers) in one statement: all of them or, if one is refused,
    /// none. Returned in the order given.
    public func recordRatings(_ ratings: [NewRating]) async throws -> [RatingRecord] {
        guard !ratings.isEmpty else { return [] }
        let ids = ratings.map { _ in UUID() }
        let result = try await transaction.query(
            """
            WITH input AS (
              SELECT *
              FROM unnest(\(ids)::uuid[], \(ratings.map(\.initiativeID))::uuid[], \(ratings.map(\.leaderID))::uuid[],
                          \(ratings.map(\.priority))::int4[], \(ratings.map { $0.buyIn?.rawValue })::text[],
                          \(ratings.map(\.resistanceNote))::text[], \(ratings.map(\.source.rawValue))::text[],
                          \(ratings.map(\.ratedAt))::timestamptz[])
                   WITH ORDINALITY AS u (id, initiative_id, leader_id, priority, buy_in, resistance_note, source,
                                         rated_at, position)
            ), inserted AS (
              INSERT INTO alignment_ratings AS ar
                (org_id, id, initiative_id, leader_id, priority, buy_in, resistance_note, source, rated_at)
              SELECT \(orgID)::uuid, id, initiative_id, leader_id, priority, buy_in, resistance_note, source,
                     coalesce(rated_at, now())
              FROM input ORDER BY position
              RETURNING \(unescaped: RatingRecord.columns)
            )
            SELECT * FROM inserted AS ar
            """)
        // RETURNING order is not promised: put the rows back in the order given, by the ids chosen here.
        let records = Dictionary(
            uniqueKeysWithValues: try result.decodeAll(RatingRecord.init(row:)).map { ($0.id, $0) })
        return ids.map { records[$0]! }
    }
}

extension Reads {
    /// Every rating of an initiative, newest first.
    public static func ratingHistory(of initiativeID: UUID, leaderID: UUID? = nil) -> StoreRead<[RatingRecord]> {
        StoreRead([
            """
            SELECT \(unescaped: RatingRecord.columns) FROM alignment_ratings AS ar
            WHERE ar.org_id = app.current_org() AND ar.initiative_id = \(initiativeID)::uuid
              AND (\(leaderID)::uuid IS NULL OR ar.leader_id = \(leaderID)::uuid)
            ORDER BY ar.rated_at DESC, ar.id
            """
        ]) { try $0[0].decodeAll(RatingRecord.init(row:)) }
    }

    /// The latest rating of each leader who has rated the initiative (the one that counts).
    public static func latestRatings(of initiativeID: UUID) -> StoreRead<[RatingRecord]> {
        StoreRead([
            """
            SELECT DISTINCT ON (ar.leader_id) \(unescaped: RatingRecord.columns) FROM alignment_ratings AS ar
            WHERE ar.org_id = app.current_org() AND ar.initiative_id = \(initiativeID)::uuid
            ORDER BY ar.leader_id, ar.rated_at DESC, ar.id DESC
            """
        ]) { try $0[0].decodeAll(RatingRecord.init(row:)) }
    }
}
