import ConcordDomain
import Foundation
import PQ

extension Reads {
    /// One programme, archived or not; nil when this organisation has none with that id.
    public static func programme(_ id: UUID) -> StoreRead<Programme?> {
        StoreRead([
            """
            SELECT \(unescaped: Programme.columns) FROM ld_programmes AS p
            WHERE p.org_id = app.current_org() AND p.id = \(id)::uuid
            """
        ]) { try $0[0].decodeFirst(Programme.init(row:)) }
    }

    /// Programmes in creation order.
    public static func programmes(includeArchived: Bool = false, page: PageRequest) -> StoreRead<Page<Programme>> {
        var statement: SQL = """
            SELECT \(unescaped: Programme.columns), \(unescaped: PageRequest.cursorColumn(alias: "p"))
            FROM ld_programmes AS p
            WHERE p.org_id = app.current_org() AND (\(includeArchived)::bool OR p.archived_at IS NULL)
            """
        statement.append(page.predicate(alias: "p"))
        statement.append(page.orderAndLimit(alias: "p"))
        return StoreRead([statement]) { try page.page($0[0], Programme.init(row:)) }
    }

    /// A programme with its costs, participants, measures and intangibles (each in the order added), in one
    /// round trip; nil when there is no such programme.
    public static func programmeInputs(_ id: UUID) -> StoreRead<ProgrammeInputs?> {
        func items(_ columns: String, _ table: String, _ alias: String) -> SQL {
            """
            SELECT \(unescaped: columns) FROM \(unescaped: table) AS \(unescaped: alias)
            WHERE \(unescaped: alias).org_id = app.current_org() AND \(unescaped: alias).programme_id = \(id)::uuid
            ORDER BY \(unescaped: alias).created_at, \(unescaped: alias).id
            """
        }
        return StoreRead([
            """
            SELECT \(unescaped: Programme.columns) FROM ld_programmes AS p
            WHERE p.org_id = app.current_org() AND p.id = \(id)::uuid
            """,
            items(ProgrammeCost.columns, "ld_costs", "c"),
            items(Participant.columns, "ld_participants", "t"),
            items(ProgrammeMeasure.columns, "ld_impact_measures", "m"),
            items(Intangible.columns, "ld_intangibles", "n"),
        ]) { results in
            guard let programme = try results[0].decodeFirst(Programme.init(row:)) else { return nil }
            return ProgrammeInputs(
                programme: programme, costs: try results[1].decodeAll(ProgrammeCost.init(row:)),
                participants: try results[2].decodeAll(Participant.init(row:)),
                measures: try results[3].decodeAll(ProgrammeMeasure.init(row:)),
                intangibles: try results[4].decodeAll(Intangible.init(row:)))
        }
    }

    /// The stored snapshots of a programme, newest first (at most `limit`).
    public static func roiHistory(of programmeID: UUID, limit: Int = 100) -> StoreRead<[ROISnapshot]> {
        StoreRead([
            """
            SELECT \(unescaped: ROISnapshot.columns) FROM ld_roi_results AS r
            WHERE r.org_id = app.current_org() AND r.programme_id = \(programmeID)::uuid
            ORDER BY r.computed_at DESC, r.inputs_version DESC
            LIMIT \(limit)::int4
            """
        ]) { try $0[0].decodeAll(ROISnapshot.init(row:)) }
    }

    /// The latest snapshot of every programme of the organisation that has one, in programme creation order.
    public static func latestROI(includeArchived: Bool = false) -> StoreRead<[ROISnapshot]> {
        StoreRead([
            """
            SELECT \(unescaped: ROISnapshot.columns)
            FROM ld_programmes AS p
            CROSS JOIN LATERAL (
              SELECT * FROM ld_roi_results AS x
              WHERE x.org_id = p.org_id AND x.programme_id = p.id
              ORDER BY x.computed_at DESC, x.inputs_version DESC LIMIT 1) AS r
            WHERE p.org_id = app.current_org() AND (\(includeArchived)::bool OR p.archived_at IS NULL)
            ORDER BY p.created_at, p.id
            """
        ]) { try $0[0].decodeAll(ROISnapshot.init(row:)) }
    }
}
