import ConcordDomain
import Foundation
import PQ

/// Everything the answer page shows behind one link: the organisation, the leader, and the nudge (or, for
/// a link sent in a digest, every nudge of that digest) with what the leader is asked and last said.
public struct NudgePage: Sendable, Equatable {
    public let organisationName: String
    public let leaderName: String
    /// The link's own nudge first, then the rest of its digest by initiative title.
    public let items: [Item]
    /// True when the link was sent in a digest: each of the digest's nudges can be answered from it.
    public let isDigest: Bool

    /// Why the link can no longer be used; nil while it can. A digest's link stays open while any of its
    /// nudges can still be answered.
    public var closed: NudgeAnswerError? {
        guard let own = items.first?.closed else { return nil }
        return isDigest && items.contains { $0.closed == nil } ? nil : own
    }

    public struct Item: Sendable, Equatable {
        public let nudgeID: UUID
        public let reason: NudgeReason
        public let initiativeTitle: String
        /// The sponsor's importance, 1-5.
        public let importance: Int
        public let leadAreaName: String
        /// The leader's own area in this initiative, when they head the lead area or a supporting one.
        public let ownAreaName: String?
        /// True when that area leads the initiative.
        public let ownAreaLeads: Bool
        /// What the initiative asks of that supporting area ("train staff").
        public let ownAreaSupport: String?
        public let isSponsor: Bool
        public let lastAnswer: LastAnswer?
        /// Nil while it can be answered; otherwise why not.
        public let closed: NudgeAnswerError?
    }

    public struct LastAnswer: Sendable, Hashable {
        public let priority: Int
        public let buyIn: BuyIn?
        public let concern: String?
        public let ratedAt: Date
    }
}

extension Store {
    /// The page behind a token, also when the link is used up or expired (`closed` says so, and the page can
    /// still name the organisation). Throws `NudgeAnswerError.unknownToken` for a token no nudge has.
    public func nudgePage(token: NudgeToken, now: Date = Date()) async throws -> NudgePage {
        let (orgID, nudgeID) = try await resolveNudgeToken(token)
        let scope = TenantScope(orgID: orgID, actor: "nudge:\(nudgeID)")
        let head = StoreRead([
            """
            SELECT o.name AS org_name, l.name AS leader_name, n.digest_id IS NOT NULL AS in_digest
            FROM nudges AS n
            JOIN organisations AS o ON o.org_id = n.org_id
            JOIN leaders AS l ON l.org_id = n.org_id AND l.id = n.leader_id
            WHERE n.org_id = \(orgID)::uuid AND n.id = \(nudgeID)::uuid
            """
        ]) { results in try results[0].map { try $0.decode((String, String, Bool).self) } }
        let items = StoreRead([Self.pageItems(orgID: orgID, nudgeID: nudgeID)]) { results in
            try results[0].map { try Self.pageItem($0, now: now) }
        }
        let (heads, rows) = try await read(scope, StoreRead.zip(head, items))
        guard let (organisation, leader, inDigest) = heads.first, let own = rows.first, own.nudgeID == nudgeID
        else { throw NudgeAnswerError.unknownToken }
        return NudgePage(organisationName: organisation, leaderName: leader, items: rows, isDigest: inDigest)
    }

    /// The link's nudge and the other nudges of its digest, with the leader's own area and last rating.
    private static func pageItems(orgID: UUID, nudgeID: UUID) -> SQL {
        """
        SELECT n.id, n.state, n.token_expires_at, n.reason, i.title, i.importance, la.name AS lead_area,
               own.name AS own_area, own.leads, own.support,
               coalesce(i.sponsor_leader_id = n.leader_id, false) AS is_sponsor,
               r.priority, r.buy_in, r.resistance_note, r.rated_at
        FROM nudges AS link
        JOIN nudges AS n
          ON n.org_id = link.org_id
         AND (n.id = link.id OR (link.digest_id IS NOT NULL AND n.digest_id = link.digest_id))
        JOIN initiatives AS i ON i.org_id = n.org_id AND i.id = n.initiative_id
        JOIN areas AS la ON la.org_id = i.org_id AND la.id = i.lead_area_id
        LEFT JOIN LATERAL (
          SELECT a.name, a.id = i.lead_area_id AS leads, s.support
          FROM areas AS a
          LEFT JOIN initiative_supporting_areas AS s
            ON s.org_id = a.org_id AND s.initiative_id = i.id AND s.area_id = a.id
          WHERE a.org_id = n.org_id AND (a.id = i.lead_area_id OR s.area_id IS NOT NULL)
            AND (a.head_leader_id = n.leader_id OR s.accountable_leader_id = n.leader_id)
          ORDER BY a.id = i.lead_area_id DESC, s.created_at
          LIMIT 1
        ) AS own ON true
        LEFT JOIN LATERAL (
          SELECT ar.priority, ar.buy_in, ar.resistance_note, ar.rated_at
          FROM alignment_ratings AS ar
          WHERE ar.org_id = n.org_id AND ar.initiative_id = n.initiative_id AND ar.leader_id = n.leader_id
          ORDER BY ar.rated_at DESC, ar.id DESC
          LIMIT 1
        ) AS r ON true
        WHERE link.org_id = \(orgID)::uuid AND link.id = \(nudgeID)::uuid
        ORDER BY n.id = link.id DESC, i.title, n.id
        """
    }

    private static func pageItem(_ row: Row, now: Date) throws -> NudgePage.Item {
        var closed: NudgeAnswerError?
        do {
            try checkAnswerable(
                state: try row.decode("state"), expiresAt: try row.decode("token_expires_at"), now: now)
        } catch let error as NudgeAnswerError {
            closed = error
        }
        let leads = try row.decode("leads", as: Bool?.self) ?? false
        let last = try row.decode("priority", as: Int?.self).map { priority in
            NudgePage.LastAnswer(
                priority: priority, buyIn: try row.decodeEnum("buy_in", as: BuyIn?.self),
                concern: try row.decode("resistance_note"), ratedAt: try row.decode("rated_at"))
        }
        return NudgePage.Item(
            nudgeID: try row.decode("id"), reason: try row.decodeEnum("reason"),
            initiativeTitle: try row.decode("title"), importance: try row.decode("importance"),
            leadAreaName: try row.decode("lead_area"), ownAreaName: try row.decode("own_area"), ownAreaLeads: leads,
            ownAreaSupport: leads ? nil : try row.decode("support"), isSponsor: try row.decode("is_sponsor"),
            lastAnswer: last, closed: closed)
    }
}
