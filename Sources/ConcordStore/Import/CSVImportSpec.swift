import Foundation
import PQ

/// How one kind of file is checked, staged and merged.
///
/// The rows go to a temporary staging table by COPY; references are then checked and the merge done with
/// a few set-based statements, so a file of 100k rows costs a handful of statements, not 100k.
protocol CSVImportSpec {
    /// Header names, in export order.
    static var columns: [String] { get }
    static var requiredColumns: Set<String> { get }
    /// The staging table's name and its columns after `line`, as COPY fills them.
    static var stagingTable: String { get }
    static var stagingColumns: [(name: String, type: String)] { get }
    /// Further staging columns the statements fill (resolved ids).
    static var resolvedColumns: [(name: String, type: String)] { get }
    /// Indexes on the staging table that the joins use.
    static var stagingIndexes: [String] { get }
    /// Checks one record; the values for `stagingColumns`, NULL where a value is bad or missing.
    static func stage(_ row: inout RowCheck, seen: inout SeenKeys) -> [any PostgresEncodable]
    /// Statements resolving keys to ids before the checks.
    static var resolve: [SQL] { get }
    /// Statements that copy the stored values of matched rows into the staging table for the columns the
    /// file leaves out, so a file with fewer columns changes only what it names.
    static func keepStored(absent: Set<String>) -> [SQL]
    /// Each yields rows (line int4, column text, message text) for references the database cannot satisfy.
    static var referenceChecks: [SQL] { get }
    /// The merge, in order; each step's rows count as inserted or updated.
    static var merge: [MergeStep] { get }
    /// One row per record, the columns as text in `columns` order.
    static var export: SQL { get }
}

struct MergeStep: Sendable {
    enum Counts: Sendable { case inserted, updated, none }
    let counts: Counts
    /// Returns one bigint: the rows it wrote.
    let statement: SQL

    static func inserted(_ statement: SQL) -> MergeStep { MergeStep(counts: .inserted, statement: statement) }
    static func updated(_ statement: SQL) -> MergeStep { MergeStep(counts: .updated, statement: statement) }
    static func other(_ statement: SQL) -> MergeStep { MergeStep(counts: .none, statement: statement) }

    /// An uncounted data-modifying statement, wrapped to return its row count as every step does.
    static func other(counting statement: SQL) -> MergeStep {
        var wrapped: SQL = "WITH u AS ("
        wrapped.append(statement)
        wrapped.append(" RETURNING 1) SELECT count(*)::int8 FROM u")
        return .other(wrapped)
    }
}

extension CSVImportSpec {
    static var resolvedColumns: [(name: String, type: String)] { [] }
    static var stagingIndexes: [String] { [] }
    static var resolve: [SQL] { [] }
    static func keepStored(absent _: Set<String>) -> [SQL] { [] }
}

/// SQL pieces the import specs share.
enum ImportSQL {
    /// Resolves `staging.key_column` to the id of a row of `table` by its external key, or by its id for
    /// rows without one (exports write the id then), into `staging.target_column`.
    static func resolveKey(
        staging: String, keyColumn: String, table: String, targetColumn: String
    ) -> [SQL] {
        [
            """
            UPDATE \(unescaped: staging) AS s SET \(unescaped: targetColumn) = t.id
            FROM \(unescaped: table) AS t
            WHERE s.\(unescaped: targetColumn) IS NULL AND t.org_id = app.current_org()
              AND t.external_key = s.\(unescaped: keyColumn)
            """,
            """
            UPDATE \(unescaped: staging) AS s SET \(unescaped: targetColumn) = t.id
            FROM \(unescaped: table) AS t
            WHERE s.\(unescaped: targetColumn) IS NULL AND t.org_id = app.current_org() AND t.external_key IS NULL
              AND t.id = \(unescaped: uuidOrNull("s.\(keyColumn)"))
            """,
        ]
    }

    /// A leader named by email (when it has an @) or by key (external key, else id).
    static func leaderID(_ reference: String) -> String {
        """
        CASE WHEN \(reference) LIKE '%@%'
             THEN (SELECT l.id FROM leaders AS l
                   WHERE l.org_id = app.current_org() AND lower(l.email) = lower(\(reference)))
             ELSE coalesce(
               (SELECT l.id FROM leaders AS l WHERE l.org_id = app.current_org() AND l.external_key = \(reference)),
               (SELECT l.id FROM leaders AS l
                WHERE l.org_id = app.current_org() AND l.external_key IS NULL
                  AND l.id = \(uuidOrNull(reference))))
        END
        """
    }

    /// The text as a uuid when it is one, else NULL; a CASE, so the cast never runs on other text.
    static func uuidOrNull(_ text: String) -> String {
        "CASE WHEN \(text) ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' "
            + "THEN \(text)::uuid END"
    }

    /// How exports name a leader: by email, else by key, else by id.
    static func leaderReference(_ alias: String) -> String {
        "coalesce(\(alias).email, \(alias).external_key, \(alias).id::text)"
    }
}
