import ConcordDomain
import Foundation
import PQ

extension Reads {
    /// The initiative, its areas, its required leaders with their latest ratings, and its alignment index as
    /// of `now`, its time to alignment and support drops: five statements in one round trip. Nil when the organisation has no such initiative.
    public static func initiativeDetail(_ id: UUID, now: Date) -> StoreRead<InitiativeDetail?> {
        let initiative: SQL = """
            SELECT \(unescaped: Initiative.columns), o.revisit_cadence_days AS org_revisit_cadence_days,
                   o.alignment_gate AS org_alignment_gate
            FROM initiatives AS i
            JOIN organisations AS o ON o.org_id = i.org_id
            WHERE i.org_id = app.current_org() AND i.id = \(id)::uuid
            """
        let areas: SQL = """
            SELECT \(unescaped: Area.columns), s.support, s.accountable_leader_id, s.area_id IS NULL AS is_lead
            FROM initiatives AS i
            JOIN areas AS a ON a.org_id = i.org_id
            LEFT JOIN initiative_supporting_areas AS s
              ON s.org_id = i.org_id AND s.initiative_id = i.id AND s.area_id = a.id
            WHERE i.org_id = app.current_org() AND i.id = \(id)::uuid
              AND (a.id = i.lead_area_id OR s.area_id IS NOT NULL)
            ORDER BY s.area_id IS NOT NULL, s.created_at, a.id
            """
        let leaders: SQL = """
            WITH req AS (
              SELECT DISTINCT ON (r.leader_id) r.*
              FROM initiatives AS i
              CROSS JOIN LATERAL (\(unescaped: RequiredLeaders.ofInitiativeI)) AS r
              WHERE i.org_id = app.current_org() AND i.id = \(id)::uuid
              ORDER BY r.leader_id, r.role_order, r.added_at, r.area_id
            )
            SELECT req.leader_id AS required_leader_id, l.name AS leader_name, req.area_id AS required_area_id,
                   \(unescaped: RatingRecord.columns)
            FROM req
            JOIN leaders AS l ON l.org_id = app.current_org() AND l.id = req.leader_id
            LEFT JOIN LATERAL (
              SELECT * FROM alignment_ratings AS latest
              WHERE latest.org_id = app.current_org() AND latest.initiative_id = \(id)::uuid
                AND latest.leader_id = req.leader_id
              ORDER BY latest.rated_at DESC, latest.id DESC
              LIMIT 1
            ) AS ar ON true
            ORDER BY req.role_order, req.added_at, req.area_id
            """
        let timeToAlignment: SQL = """
            SELECT \(unescaped: TimeToAlignment.columns)
            FROM app.time_to_alignment AS t
            WHERE t.org_id = app.current_org() AND t.initiative_id = \(id)::uuid
            """
        let drops = SupportDropRecord.statement(initiativeID: id)
        return StoreRead([initiative, areas, leaders, timeToAlignment, drops]) { results in
            guard let row = results[0].first else { return nil }
            let initiative = try Initiative(row: row)
            let orgCadence = try row.decode("org_revisit_cadence_days", as: Int.self)
            let orgGate = try row.decode("org_alignment_gate", as: Decimal.self)
            var leadArea: Area?
            var supporting: [SupportingAreaDetail] = []
            for row in results[1] {
                let area = try Area(row: row)
                if try row.decode("is_lead", as: Bool.self) {
                    leadArea = area
                } else {
                    supporting.append(
                        SupportingAreaDetail(
                            area: area, support: try row.decode("support"),
                            accountableLeaderID: try row.decode("accountable_leader_id")))
                }
            }
            guard let leadArea else {
                throw PostgresError(.decoding, message: "initiative \(id) has no lead area row")
            }
            let required = try results[2].decodeAll { row in
                RequiredLeader(
                    leaderID: try row.decode("required_leader_id"), name: try row.decode("leader_name"),
                    areaID: try row.decode("required_area_id"),
                    latestRating: try row.decode("id", as: UUID?.self) == nil ? nil : try RatingRecord(row: row))
            }
            let names = Dictionary(required.map { ($0.leaderID, $0.name) }, uniquingKeysWith: { first, _ in first })
            let window = initiative.revisitCadenceDays ?? orgCadence
            let index = AlignmentIndex(
                importance: initiative.importance, requiredLeaders: required.map(\.leaderID),
                latestRatings: Dictionary(
                    required.compactMap { leader in leader.latestRating.map { (leader.leaderID, $0.domainRating) } },
                    uniquingKeysWith: { first, _ in first }),
                revisitWindowDays: window, now: now)
            return InitiativeDetail(
                initiative: initiative, leadArea: leadArea, supportingAreas: supporting, requiredLeaders: required,
                alignment: AlignmentSummary(index, revisitWindowDays: window),
                gate: GateStatus(
                    initiativeGate: initiative.alignmentGate, organisationGate: orgGate, index: index, names: names),
                timeToAlignment: try results[3].first.map(TimeToAlignment.init(row:)),
                supportDrops: try SupportDropRecord.drops(in: results[4], names: names))
        }
    }
}
