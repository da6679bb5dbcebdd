import PQ

/// `key,title,lead_area_key,supporting_areas,importance,stage,health,sponsor,start_date,target_date,description`.
///
/// `supporting_areas` lists `area_key: what it must give` entries separated by `;` (or line breaks); the
/// file's list replaces the stored one. `sponsor` names a leader by email or key.
enum InitiativeImport: CSVImportSpec {
    static let columns = [
        "key", "title", "lead_area_key", "supporting_areas", "importance", "stage", "health", "sponsor",
        "start_date", "target_date", "description",
    ]
    static let requiredColumns: Set<String> = ["key", "title", "lead_area_key", "importance"]
    static let stagingTable = "import_initiatives"
    static let stagingColumns: [(name: String, type: String)] = [
        ("key", "text"), ("title", "text"), ("description", "text"), ("lead_area_key", "text"),
        ("importance", "int2"), ("stage", "text"), ("health", "text"), ("sponsor", "text"),
        ("start_date", "date"), ("target_date", "date"), ("support_keys", "text[]"), ("support_texts", "text[]"),
    ]
    static let resolvedColumns: [(name: String, type: String)] = [
        ("target_id", "uuid"), ("lead_area_id", "uuid"), ("sponsor_id", "uuid"),
        ("is_new", "bool NOT NULL DEFAULT false"),
    ]
    static let stagingIndexes = ["(key)"]
    static let stages = ["proposed", "initiating", "developing", "implementing", "sustaining", "closed"]
    static let healths = ["on_track", "at_risk", "off_track"]
    static let defaultSupport = "support the initiative"

    static func stage(_ row: inout RowCheck, seen: inout SeenKeys) -> [any PostgresEncodable] {
        let key = row.text("key", required: true)
        let title = row.text("title", required: true, maxLength: 300)
        let description = row.text("description", maxLength: 10_000)
        let lead = row.text("lead_area_key", required: true)
        let importance = row.integer("importance", in: 1...5, required: true)
        let stage = row.choice("stage", stages)
        let health = row.choice("health", healths)
        let sponsor = row.text("sponsor", maxLength: 320)
        let start = row.date("start_date")
        let target = row.date("target_date")
        if let start, let target, target < start { row.fail("target_date", "is before start_date \(start)") }
        row.unique("key", key, in: &seen)
        let supporting = supportingAreas(&row, lead: lead)
        return [
            key, title, description, lead, importance, stage, health, sponsor, start, target,
            supporting.map(\.key), supporting.map(\.support),
        ]
    }

    /// `it: define requirements and test; hr: train staff`.
    static func supportingAreas(_ row: inout RowCheck, lead: String?) -> [(key: String, support: String)] {
        guard let raw = row.raw("supporting_areas") else { return [] }
        var entries: [(key: String, support: String)] = []
        for part in raw.split(whereSeparator: { $0 == ";" || $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let entry = part.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let pieces = entry.split(separator: ":", maxSplits: 1)
            let key = pieces[0].trimmingCharacters(in: .whitespaces)
            let support = pieces.count > 1 ? pieces[1].trimmingCharacters(in: .whitespaces) : ""
            if key.isEmpty || key.count > 200 {
                row.fail("supporting_areas", "'\(entry)' does not start with an area key")
            } else if key == lead {
                row.fail("supporting_areas", "\(key) leads the initiative and cannot also support it")
            } else if entries.contains(where: { $0.key == key }) {
                row.fail("supporting_areas", "\(key) is listed twice")
            } else if support.count > 2000 {
                row.fail("supporting_areas", "the support of \(key) is longer than 2000 characters")
            } else {
                entries.append((key, support.isEmpty ? defaultSupport : support))
            }
        }
        return entries
    }

    static var resolve: [SQL] {
        ImportSQL.resolveKey(staging: stagingTable, keyColumn: "key", table: "initiatives", targetColumn: "target_id")
            + ImportSQL.resolveKey(
                staging: stagingTable, keyColumn: "lead_area_key", table: "areas", targetColumn: "lead_area_id")
            + [
                """
                UPDATE import_initiatives AS s SET sponsor_id = \(unescaped: ImportSQL.leaderID("s.sponsor"))
                WHERE s.sponsor IS NOT NULL
                """,
                """
                CREATE TEMP TABLE import_supporting ON COMMIT DROP AS
                SELECT s.line, s.target_id, u.area_key, u.support, NULL::uuid AS area_id
                FROM import_initiatives AS s,
                     unnest(s.support_keys, s.support_texts) AS u (area_key, support)
                """,
            ]
            + ImportSQL.resolveKey(
                staging: "import_supporting", keyColumn: "area_key", table: "areas", targetColumn: "area_id")
    }

    /// Columns the file leaves out keep their stored values; without supporting_areas, the stored ones stay.
    static func keepStored(absent: Set<String>) -> [SQL] {
        let kept = [
            ("sponsor", "sponsor_id = i.sponsor_leader_id"), ("start_date", "start_date = i.start_date"),
            ("target_date", "target_date = i.target_date"), ("description", "description = i.description"),
        ].filter { absent.contains($0.0) }.map(\.1)
        var statements: [SQL] = []
        if !kept.isEmpty {
            statements.append(
                """
                UPDATE import_initiatives AS s SET \(unescaped: kept.joined(separator: ", "))
                FROM initiatives AS i WHERE i.org_id = app.current_org() AND i.id = s.target_id
                """)
        }
        if absent.contains("supporting_areas") {
            statements.append(
                """
                INSERT INTO import_supporting (line, target_id, area_key, support, area_id)
                SELECT s.line, s.target_id, coalesce(a.external_key, a.id::text), isa.support, isa.area_id
                FROM import_initiatives AS s
                JOIN initiative_supporting_areas AS isa
                  ON isa.org_id = app.current_org() AND isa.initiative_id = s.target_id
                JOIN areas AS a ON a.org_id = isa.org_id AND a.id = isa.area_id
                """)
        }
        return statements
    }

    static let referenceChecks: [SQL] = [
        """
        SELECT s.line, 'lead_area_key', format('no area with key %s', s.lead_area_key)
        FROM import_initiatives AS s WHERE s.lead_area_key IS NOT NULL AND s.lead_area_id IS NULL
        """,
        """
        SELECT p.line, 'supporting_areas', format('no area with key %s', p.area_key)
        FROM import_supporting AS p WHERE p.area_key IS NOT NULL AND p.area_id IS NULL
        """,
        """
        SELECT p.line, 'supporting_areas', format('%s leads the initiative and cannot also support it', p.area_key)
        FROM import_supporting AS p JOIN import_initiatives AS s ON s.line = p.line
        WHERE p.area_id = s.lead_area_id
        """,
        """
        SELECT s.line, 'sponsor', format('no leader with email or key %s', s.sponsor)
        FROM import_initiatives AS s WHERE s.sponsor IS NOT NULL AND s.sponsor_id IS NULL
        """,
    ]

    static let merge: [MergeStep] = [
        .inserted(
            """
            WITH ins AS (
              INSERT INTO initiatives
                (org_id, title, description, lead_area_id, sponsor_leader_id, importance, stage, health,
                 start_date, target_date, external_key)
              SELECT app.current_org(), s.title, coalesce(s.description, ''), s.lead_area_id, s.sponsor_id,
                     s.importance, coalesce(s.stage, 'proposed'), coalesce(s.health, 'on_track'), s.start_date,
                     s.target_date, s.key
              FROM import_initiatives AS s WHERE s.target_id IS NULL ORDER BY s.line
              RETURNING id, external_key
            ), marked AS (
              UPDATE import_initiatives AS s SET target_id = ins.id, is_new = true
              FROM ins WHERE ins.external_key = s.key
              RETURNING 1
            )
            SELECT count(*)::int8 FROM ins
            """),
        .other(
            """
            WITH u AS (
              UPDATE import_supporting AS p SET target_id = s.target_id
              FROM import_initiatives AS s WHERE s.line = p.line AND p.target_id IS NULL
              RETURNING 1
            )
            SELECT count(*)::int8 FROM u
            """),
        .updated(
            """
            WITH d AS (
              DELETE FROM initiative_supporting_areas AS isa
              USING import_initiatives AS s
              WHERE isa.org_id = app.current_org() AND isa.initiative_id = s.target_id AND NOT s.is_new
                AND NOT EXISTS (SELECT 1 FROM import_supporting AS p
                                WHERE p.target_id = isa.initiative_id AND p.area_id = isa.area_id)
              RETURNING 1
            )
            SELECT count(*)::int8 FROM d
            """),
        .updated(
            """
            WITH u AS (
              UPDATE initiatives AS i
              SET title = s.title, description = coalesce(s.description, ''), lead_area_id = s.lead_area_id,
                  sponsor_leader_id = s.sponsor_id, importance = s.importance, stage = coalesce(s.stage, i.stage),
                  health = coalesce(s.health, i.health), start_date = s.start_date, target_date = s.target_date,
                  version = i.version + 1
              FROM import_initiatives AS s
              WHERE i.org_id = app.current_org() AND i.id = s.target_id AND NOT s.is_new
                AND (i.title, i.description, i.lead_area_id, i.sponsor_leader_id, i.importance, i.stage, i.health,
                     i.start_date, i.target_date)
                    IS DISTINCT FROM
                    (s.title, coalesce(s.description, ''), s.lead_area_id, s.sponsor_id, s.importance,
                     coalesce(s.stage, i.stage), coalesce(s.health, i.health), s.start_date, s.target_date)
              RETURNING 1
            )
            SELECT count(*)::int8 FROM u
            """),
        .updated(
            """
            WITH up AS (
              INSERT INTO initiative_supporting_areas AS isa (org_id, initiative_id, area_id, support)
              SELECT app.current_org(), p.target_id, p.area_id, p.support FROM import_supporting AS p
              ON CONFLICT (org_id, initiative_id, area_id) DO UPDATE
                SET support = EXCLUDED.support, version = isa.version + 1
                WHERE isa.support IS DISTINCT FROM EXCLUDED.support
              RETURNING isa.initiative_id
            )
            SELECT count(*)::int8 FROM up
            WHERE NOT EXISTS (SELECT 1 FROM import_initiatives AS s WHERE s.target_id = up.initiative_id AND s.is_new)
            """),
    ]

    static let export: SQL = """
        SELECT coalesce(i.external_key, i.id::text), i.title, coalesce(la.external_key, la.id::text),
               (SELECT string_agg(coalesce(a.external_key, a.id::text) || ': ' || isa.support, '; '
                                  ORDER BY coalesce(a.external_key, a.id::text))
                FROM initiative_supporting_areas AS isa
                JOIN areas AS a ON a.org_id = isa.org_id AND a.id = isa.area_id
                WHERE isa.org_id = i.org_id AND isa.initiative_id = i.id),
               i.importance::text, i.stage, i.health,
               (SELECT \(unescaped: ImportSQL.leaderReference("sp")) FROM leaders AS sp
                WHERE sp.org_id = i.org_id AND sp.id = i.sponsor_leader_id),
               i.start_date::text, i.target_date::text, nullif(i.description, '')
        FROM initiatives AS i
        JOIN areas AS la ON la.org_id = i.org_id AND la.id = i.lead_area_id
        WHERE i.org_id = app.current_org() AND i.archived_at IS NULL
        ORDER BY i.created_at, i.external_key, i.id
        """
}
