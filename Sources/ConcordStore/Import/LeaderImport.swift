import PQ

/// `key,name,email,area_key,head,executive,hr,timezone`: leaders matched on their key, else on their email;
/// `head` makes the leader the head of `area_key` (initiatives of that area require the head's alignment).
enum LeaderImport: CSVImportSpec {
    static let columns = ["key", "name", "email", "area_key", "head", "executive", "hr", "timezone"]
    static let requiredColumns: Set<String> = ["name"]
    static let stagingTable = "import_leaders"
    static let stagingColumns: [(name: String, type: String)] = [
        ("key", "text"), ("name", "text"), ("email", "text"), ("area_key", "text"), ("is_head", "bool"),
        ("is_executive", "bool"),
        ("is_hr", "bool"), ("timezone", "text"),
    ]
    static let resolvedColumns: [(name: String, type: String)] = [("target_id", "uuid"), ("area_id", "uuid")]
    static let stagingIndexes = ["(key)", "(lower(email))", "(area_key)"]

    static func stage(_ row: inout RowCheck, seen: inout SeenKeys) -> [any PostgresEncodable] {
        let key = row.text("key")
        let name = row.text("name", required: true)
        let email = row.email("email")
        let area = row.text("area_key")
        // Without a head column no area's head changes (NULL); an empty cell under it means "not a head".
        let head: Bool? = row.values["head"] == nil ? nil : row.flag("head")
        if head == true, area == nil, row.raw("area_key") == nil {
            row.fail("head", "a head needs the area_key it heads")
        }
        if head == true, let area, let first = seen.repeatLine("head", area, line: row.line) {
            row.fail("head", "\(area) already has its head on line \(first)")
        }
        let executive = row.flag("executive")
        let hr = row.flag("hr")
        let timezone = row.text("timezone", maxLength: 64)
        if key == nil, email == nil, row.raw("email") == nil {
            row.fail(nil, "give a key or an email: a re-import finds the leader by one of them")
        }
        row.unique("key", key, in: &seen)
        row.unique("email", email, in: &seen, caseInsensitive: true)
        return [key, name, email, area, head, executive, hr, timezone]
    }

    /// Finds stored leaders by key, else by email; run again after the insert, for the new ones.
    static var resolveLeaders: [SQL] {
        ImportSQL.resolveKey(staging: stagingTable, keyColumn: "key", table: "leaders", targetColumn: "target_id")
            + [
                """
                UPDATE import_leaders AS s SET target_id = l.id
                FROM leaders AS l
                WHERE s.target_id IS NULL AND s.email IS NOT NULL AND l.org_id = app.current_org()
                  AND lower(l.email) = lower(s.email) AND (s.key IS NULL OR l.external_key IS NULL)
                """
            ]
    }

    static var resolve: [SQL] {
        resolveLeaders
            + ImportSQL.resolveKey(
                staging: stagingTable, keyColumn: "area_key", table: "areas", targetColumn: "area_id")
    }

    static func keepStored(absent: Set<String>) -> [SQL] {
        let kept = [
            ("email", "email = l.email"), ("area_key", "area_id = l.area_id"),
            ("executive", "is_executive = l.is_executive"), ("hr", "is_hr = l.is_hr"),
            ("timezone", "timezone = l.timezone"),
        ].filter { absent.contains($0.0) }.map(\.1)
        guard !kept.isEmpty else { return [] }
        return [
            """
            UPDATE import_leaders AS s SET \(unescaped: kept.joined(separator: ", "))
            FROM leaders AS l WHERE l.org_id = app.current_org() AND l.id = s.target_id
            """
        ]
    }

    static let referenceChecks: [SQL] = [
        """
        SELECT s.line, 'area_key', format('no area with key %s', s.area_key)
        FROM import_leaders AS s WHERE s.area_key IS NOT NULL AND s.area_id IS NULL
        """,
        """
        SELECT s.line, 'timezone', format('%s is not an IANA time zone such as Europe/Berlin', s.timezone)
        FROM import_leaders AS s
        WHERE s.timezone IN (SELECT z.timezone
                             FROM (SELECT DISTINCT t.timezone FROM import_leaders AS t WHERE t.timezone IS NOT NULL) AS z
                             WHERE NOT app.is_valid_timezone(z.timezone))
        """,
        """
        SELECT s.line, 'email',
               format('%s already belongs to another leader (%s)', s.email, coalesce(l.external_key, l.id::text))
        FROM import_leaders AS s
        JOIN leaders AS l ON l.org_id = app.current_org() AND lower(l.email) = lower(s.email)
        WHERE l.id IS DISTINCT FROM s.target_id
        """,
        """
        SELECT x.line, NULL, format('names the same leader as line %s', x.first)
        FROM (SELECT s.line, min(s.line) OVER (PARTITION BY s.target_id) AS first
              FROM import_leaders AS s WHERE s.target_id IS NOT NULL) AS x
        WHERE x.line > x.first
        """,
    ]

    static let merge: [MergeStep] =
        [
            .inserted(
                """
                WITH ins AS (
                  INSERT INTO leaders (org_id, area_id, name, email, is_executive, is_hr, timezone, external_key)
                  SELECT app.current_org(), s.area_id, s.name, s.email, s.is_executive, s.is_hr, s.timezone, s.key
                  FROM import_leaders AS s WHERE s.target_id IS NULL ORDER BY s.line
                  RETURNING 1
                )
                SELECT count(*)::int8 FROM ins
                """)
        ] + resolveLeaders.map(MergeStep.other(counting:)) + [
            .updated(
                """
                WITH u AS (
                  UPDATE leaders AS l
                  SET area_id = s.area_id, name = s.name, email = s.email, is_executive = s.is_executive,
                      is_hr = s.is_hr, timezone = s.timezone,
                      external_key = coalesce(nullif(s.key, l.id::text), l.external_key), version = l.version + 1
                  FROM import_leaders AS s
                  WHERE l.org_id = app.current_org() AND l.id = s.target_id
                    AND (l.area_id, l.name, l.email, l.is_executive, l.is_hr, l.timezone, l.external_key)
                        IS DISTINCT FROM
                        (s.area_id, s.name, s.email, s.is_executive, s.is_hr, s.timezone,
                         coalesce(nullif(s.key, l.id::text), l.external_key))
                  RETURNING 1
                )
                SELECT count(*)::int8 FROM u
                """),
            .updated(
                """
                WITH u AS (
                  UPDATE areas AS a SET head_leader_id = NULL, version = a.version + 1
                  WHERE a.org_id = app.current_org()
                    AND a.head_leader_id IN (SELECT s.target_id FROM import_leaders AS s WHERE NOT s.is_head)
                    AND a.id NOT IN (SELECT h.area_id FROM import_leaders AS h
                                     WHERE h.is_head AND h.area_id IS NOT NULL)
                  RETURNING 1
                )
                SELECT count(*)::int8 FROM u
                """),
            .updated(
                """
                WITH u AS (
                  UPDATE areas AS a SET head_leader_id = h.target_id, version = a.version + 1
                  FROM (SELECT s.area_id, s.target_id FROM import_leaders AS s WHERE s.is_head) AS h
                  WHERE a.org_id = app.current_org() AND a.id = h.area_id
                    AND a.head_leader_id IS DISTINCT FROM h.target_id
                  RETURNING 1
                )
                SELECT count(*)::int8 FROM u
                """),
        ]

    static let export: SQL = """
        SELECT CASE WHEN l.external_key IS NULL AND l.email IS NULL THEN l.id::text ELSE l.external_key END,
               l.name, l.email, coalesce(a.external_key, a.id::text),
               CASE WHEN a.head_leader_id = l.id THEN 'yes' ELSE 'no' END,
               CASE WHEN l.is_executive THEN 'yes' ELSE 'no' END, CASE WHEN l.is_hr THEN 'yes' ELSE 'no' END,
               l.timezone
        FROM leaders AS l
        LEFT JOIN areas AS a ON a.org_id = l.org_id AND a.id = l.area_id
        WHERE l.org_id = app.current_org() AND l.archived_at IS NULL
        ORDER BY l.created_at, l.external_key, l.email, l.id
        """
}
