import ConcordDomain
import Foundation
import PQ

extension Reads {
    /// One initiative, archived or not; nil when this organisation has none with that id.
    public static func initiative(_ id: UUID) -> StoreRead<Initiative?> {
        StoreRead([
            """
            SELECT \(unescaped: Initiative.columns) FROM initiatives AS i
            WHERE i.org_id = app.current_org() AND i.id = \(id)::uuid
            """
        ]) { try $0[0].decodeFirst(Initiative.init(row:)) }
    }

    /// The supporting areas of an initiative, in the order they were added.
    public static func supportingAreas(of initiativeID: UUID) -> StoreRead<[SupportingArea]> {
        StoreRead([
            """
            SELECT s.area_id, s.support, s.accountable_leader_id FROM initiative_supporting_areas AS s
            WHERE s.org_id = app.current_org() AND s.initiative_id = \(initiativeID)::uuid
            ORDER BY s.created_at, s.area_id
            """
        ]) { try $0[0].decodeAll(SupportingArea.init(row:)) }
    }

    /// Initiatives in creation order, filtered; `now` is the instant freshness is judged at.
    public static func initiatives(
        _ filter: InitiativeFilter = InitiativeFilter(), page: PageRequest, now: Date = Date()
    ) -> StoreRead<Page<Initiative>> {
        var statement: SQL = """
            SELECT \(unescaped: Initiative.columns), \(unescaped: PageRequest.cursorColumn(alias: "i"))
            FROM initiatives AS i
            JOIN organisations AS o ON o.org_id = i.org_id
            WHERE i.org_id = app.current_org()
              AND (\(filter.includeArchived)::bool OR i.archived_at IS NULL)
              AND (\(filter.stage?.rawValue)::text IS NULL OR i.stage = \(filter.stage?.rawValue)::text)
              AND (\(filter.health?.rawValue)::text IS NULL OR i.health = \(filter.health?.rawValue)::text)
              AND (\(filter.leadAreaID)::uuid IS NULL OR i.lead_area_id = \(filter.leadAreaID)::uuid)
            """
        if let stale = filter.hasStaleAlignment {
            statement.append(stale ? " AND EXISTS (" : " AND NOT EXISTS (")
            statement.append(unfreshRequiredLeaders(now: now))
            statement.append(")")
        }
        statement.append(page.predicate(alias: "i"))
        statement.append(page.orderAndLimit(alias: "i"))
        return StoreRead([statement]) { try page.page($0[0], Initiative.init(row:)) }
    }

    /// The required leaders of initiative `i` (with organisation `o`) with no rating inside the revisit
    /// window as of `now`: stale or never rated.
    static func unfreshRequiredLeaders(now: Date) -> SQL {
        """
        SELECT 1
        FROM (\(unescaped: RequiredLeaders.ofInitiativeI)) AS req
        WHERE NOT EXISTS (
          SELECT 1 FROM alignment_ratings AS ar
          WHERE ar.org_id = i.org_id AND ar.initiative_id = i.id AND ar.leader_id = req.leader_id
            AND ar.rated_at >= \(now)::timestamptz
                - coalesce(i.revisit_cadence_days, o.revisit_cadence_days) * interval '86400 seconds')
        """
    }
}

/// Who must be aligned on an initiative: the head of its lead area, and for each supporting area its
/// accountable leader if set, else the area's head. Archived leaders are not required.
enum RequiredLeaders {
    /// Rows (leader_id, role_order, area_id, added_at) for the initiative under alias `i`; not yet
    /// deduplicated (a leader may head the lead area and be accountable for a supporting one).
    static let ofInitiativeI = """
        SELECT a.head_leader_id AS leader_id, 0 AS role_order, a.id AS area_id, i.created_at AS added_at
        FROM areas AS a
        JOIN leaders AS l ON l.org_id = a.org_id AND l.id = a.head_leader_id AND l.archived_at IS NULL
        WHERE a.org_id = i.org_id AND a.id = i.lead_area_id
        UNION ALL
        SELECT l.id, 1, a.id, s.created_at
        FROM initiative_supporting_areas AS s
        JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id
        JOIN leaders AS l ON l.org_id = s.org_id AND l.id = coalesce(s.accountable_leader_id, a.head_leader_id)
             AND l.archived_at IS NULL
        WHERE s.org_id = i.org_id AND s.initiative_id = i.id
        """
}
