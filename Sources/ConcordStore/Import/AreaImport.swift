import PQ

/// `key,name,parent_key`: areas matched on their key; a parent may be in the same file or already stored.
enum AreaImport: CSVImportSpec {
    static let columns = ["key", "name", "parent_key"]
    static let requiredColumns: Set<String> = ["key", "name"]
    static let stagingTable = "import_areas"
    static let stagingColumns: [(name: String, type: String)] = [
        ("key", "text"), ("name", "text"), ("parent_key", "text"),
    ]
    static let resolvedColumns: [(name: String, type: String)] = [
        ("target_id", "uuid"), ("parent_id", "uuid"), ("is_new", "bool NOT NULL DEFAULT false"),
    ]
    static let stagingIndexes = ["(key)", "(parent_key)"]

    static func stage(_ row: inout RowCheck, seen: inout SeenKeys) -> [any PostgresEncodable] {
        let key = row.text("key", required: true)
        let name = row.text("name", required: true)
        let parent = row.text("parent_key")
        if let key, key == parent { row.fail("parent_key", "an area cannot be its own parent") }
        row.unique("key", key, in: &seen)
        return [key, name, parent]
    }

    static var resolve: [SQL] {
        ImportSQL.resolveKey(staging: stagingTable, keyColumn: "key", table: "areas", targetColumn: "target_id")
    }

    /// Without a parent_key column, stored parents stay.
    static func keepStored(absent: Set<String>) -> [SQL] {
        guard absent.contains("parent_key") else { return [] }
        return [
            """
            UPDATE import_areas AS s SET parent_id = a.parent_id
            FROM areas AS a WHERE a.org_id = app.current_org() AND a.id = s.target_id
            """
        ]
    }

    static let referenceChecks: [SQL] = [
        """
        SELECT s.line, 'parent_key', format('no area with key %s in the file or the organisation', s.parent_key)
        FROM import_areas AS s
        WHERE s.parent_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM import_areas AS p WHERE p.key = s.parent_key)
          AND NOT EXISTS (SELECT 1 FROM areas AS a
                          WHERE a.org_id = app.current_org()
                            AND (a.external_key = s.parent_key
                                 OR (a.external_key IS NULL AND a.id::text = lower(s.parent_key))))
        """
    ]

    static let merge: [MergeStep] = [
        .inserted(
            """
            WITH ins AS (
              INSERT INTO areas (org_id, name, external_key)
              SELECT app.current_org(), s.name, s.key FROM import_areas AS s WHERE s.target_id IS NULL ORDER BY s.line
              RETURNING id, external_key
            ), marked AS (
              UPDATE import_areas AS s SET target_id = ins.id, is_new = true FROM ins WHERE ins.external_key = s.key
              RETURNING 1
            )
            SELECT count(*)::int8 FROM ins
            """),
        .other(
            """
            WITH u AS (
              UPDATE import_areas AS s
              SET parent_id = coalesce(
                (SELECT p.target_id FROM import_areas AS p WHERE p.key = s.parent_key),
                (SELECT a.id FROM areas AS a WHERE a.org_id = app.current_org() AND a.external_key = s.parent_key),
                (SELECT a.id FROM areas AS a
                 WHERE a.org_id = app.current_org() AND a.external_key IS NULL AND a.id::text = lower(s.parent_key)))
              WHERE s.parent_key IS NOT NULL
              RETURNING 1
            )
            SELECT count(*)::int8 FROM u
            """),
        .updated(
            """
            WITH u AS (
              UPDATE areas AS a SET name = s.name, parent_id = s.parent_id, version = a.version + 1
              FROM import_areas AS s
              WHERE a.org_id = app.current_org() AND a.id = s.target_id
                AND (a.name, a.parent_id) IS DISTINCT FROM (s.name, s.parent_id)
              RETURNING s.is_new
            )
            SELECT (count(*) FILTER (WHERE NOT is_new))::int8 FROM u
            """),
    ]

    static let export: SQL = """
        SELECT coalesce(a.external_key, a.id::text), a.name, coalesce(p.external_key, p.id::text)
        FROM areas AS a
        LEFT JOIN areas AS p ON p.org_id = a.org_id AND p.id = a.parent_id
        WHERE a.org_id = app.current_org() AND a.archived_at IS NULL
        ORDER BY a.created_at, a.external_key, a.id
        """
}
