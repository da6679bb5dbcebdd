import Foundation
import PQ

/// `initiative_key,leader,priority,buy_in,resistance_note,rated_at`: a workshop's ratings, recorded with
/// source `workshop`. Ratings are never changed, so a rating already recorded (same initiative, leader and
/// time) is skipped when equal and refused when different.
enum RatingImport: CSVImportSpec {
    static let columns = ["initiative_key", "leader", "priority", "buy_in", "resistance_note", "rated_at"]
    static let requiredColumns: Set<String> = ["initiative_key", "leader", "priority", "rated_at"]
    static let stagingTable = "import_ratings"
    static let stagingColumns: [(name: String, type: String)] = [
        ("initiative_key", "text"), ("leader_ref", "text"), ("priority", "int2"), ("buy_in", "text"),
        ("resistance_note", "text"), ("rated_at", "text"), ("has_offset", "bool"),
    ]
    static let resolvedColumns: [(name: String, type: String)] = [
        ("initiative_id", "uuid"), ("leader_id", "uuid"), ("at", "timestamptz"),
    ]
    static let buyIns = ["unaware", "aware", "understands", "committed", "acting"]

    static func stage(_ row: inout RowCheck, seen _: inout SeenKeys) -> [any PostgresEncodable] {
        let initiative = row.text("initiative_key", required: true)
        let leader = row.text("leader", required: true, maxLength: 320)
        let priority = row.integer("priority", in: 1...5, required: true)
        let buyIn = row.choice("buy_in", buyIns)
        let note = row.text("resistance_note", maxLength: 4000)
        var ratedAt: RatedAt?
        if let raw = row.raw("rated_at") {
            ratedAt = RatedAt(raw)
            if ratedAt == nil {
                row.fail("rated_at", "'\(raw)' is not a date (2026-03-31) or a time (2026-03-31T14:30, +02:00 or Z)")
            }
        } else {
            row.fail("rated_at", "is required")
        }
        return [initiative, leader, priority, buyIn, note, ratedAt?.text, ratedAt?.hasOffset]
    }

    /// `2026-03-31`, `2026-03-31T14:30[:00[.123]]` (local to the organisation) or with `Z` or `+02:00`.
    struct RatedAt {
        let text: String
        let hasOffset: Bool

        nonisolated(unsafe) static let pattern = try! Regex(
            #"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$"#)

        init?(_ raw: String) {
            guard let match = try? Self.pattern.wholeMatch(in: raw),
                let date = match.output[1].substring, RowCheck.isDate(String(date))
            else { return nil }
            let hour = match.output[2].substring.flatMap { Int($0) } ?? 0
            let minute = match.output[3].substring.flatMap { Int($0) } ?? 0
            let second = match.output[4].substring.flatMap { Int($0) } ?? 0
            guard hour < 24, minute < 60, second < 60 else { return nil }
            if let offset = match.output[5].substring, offset != "Z" {
                let digits = offset.dropFirst().filter(\.isNumber)
                guard let hours = Int(digits.prefix(2)), hours <= 15, Int(digits.dropFirst(2)) ?? 0 < 60 else {
                    return nil
                }
            }
            text = raw
            hasOffset = match.output[5].substring != nil
        }
    }

    static var resolve: [SQL] {
        ImportSQL.resolveKey(
            staging: stagingTable, keyColumn: "initiative_key", table: "initiatives", targetColumn: "initiative_id")
            + [
                "UPDATE import_ratings AS s SET leader_id = \(unescaped: ImportSQL.leaderID("s.leader_ref"))",
                """
                UPDATE import_ratings AS s
                SET at = CASE WHEN s.has_offset THEN s.rated_at::timestamptz
                              ELSE s.rated_at::timestamp AT TIME ZONE o.timezone END
                FROM organisations AS o WHERE o.org_id = app.current_org()
                """,
            ]
    }

    static let referenceChecks: [SQL] = [
        """
        SELECT s.line, 'initiative_key', format('no initiative with key %s', s.initiative_key)
        FROM import_ratings AS s WHERE s.initiative_key IS NOT NULL AND s.initiative_id IS NULL
        """,
        """
        SELECT s.line, 'leader', format('no leader with email or key %s', s.leader_ref)
        FROM import_ratings AS s WHERE s.leader_ref IS NOT NULL AND s.leader_id IS NULL
        """,
        """
        SELECT s.line, NULL,
               'a different rating of this leader for this initiative at this time is already recorded; ratings are never changed'
        FROM import_ratings AS s
        JOIN alignment_ratings AS r
          ON r.org_id = app.current_org() AND r.initiative_id = s.initiative_id AND r.leader_id = s.leader_id
         AND r.rated_at = s.at
        WHERE s.priority IS NOT NULL
          AND (r.priority, r.buy_in, r.resistance_note) IS DISTINCT FROM (s.priority, s.buy_in, s.resistance_note)
        """,
        """
        SELECT x.line, NULL, format('the same leader, initiative and time as line %s', x.first)
        FROM (SELECT s.line, min(s.line) OVER (PARTITION BY s.initiative_id, s.leader_id, s.at) AS first
              FROM import_ratings AS s
              WHERE s.initiative_id IS NOT NULL AND s.leader_id IS NOT NULL AND s.at IS NOT NULL) AS x
        WHERE x.line > x.first
        """,
    ]

    static let merge: [MergeStep] = [
        .inserted(
            """
            WITH ins AS (
              INSERT INTO alignment_ratings
                (org_id, initiative_id, leader_id, priority, buy_in, resistance_note, source, rated_at)
              SELECT app.current_org(), s.initiative_id, s.leader_id, s.priority, s.buy_in, s.resistance_note,
                     'workshop', s.at
              FROM import_ratings AS s
              WHERE NOT EXISTS (SELECT 1 FROM alignment_ratings AS r
                                WHERE r.org_id = app.current_org() AND r.initiative_id = s.initiative_id
                                  AND r.leader_id = s.leader_id AND r.rated_at = s.at)
              ORDER BY s.line
              RETURNING 1
            )
            SELECT count(*)::int8 FROM ins
            """)
    ]

    static let export: SQL = """
        SELECT coalesce(i.external_key, i.id::text), \(unescaped: ImportSQL.leaderReference("l")),
               r.priority::text, r.buy_in, r.resistance_note,
               to_char(r.rated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
               || CASE WHEN date_trunc('second', r.rated_at) = r.rated_at THEN ''
                       ELSE to_char(r.rated_at AT TIME ZONE 'UTC', '.US') END || 'Z'
        FROM alignment_ratings AS r
        JOIN initiatives AS i ON i.org_id = r.org_id AND i.id = r.initiative_id
        JOIN leaders AS l ON l.org_id = r.org_id AND l.id = r.leader_id
        WHERE r.org_id = app.current_org()
        ORDER BY r.rated_at, r.id
        """
}
