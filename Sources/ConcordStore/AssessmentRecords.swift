import ConcordDomain
import Foundation
import PQ

extension AssessmentScore {
    /// The select list `grouped(_:)` reads, for scores under alias `sc`.
    static let columns = "sc.assessment_id, sc.dimension_id, sc.score"

    /// Scores by assessment, in the order of the rows.
    static func grouped(_ result: QueryResult) throws -> [UUID: [AssessmentScore]] {
        var scores: [UUID: [AssessmentScore]] = [:]
        for row in result {
            let (assessment, dimension, score) = try row.decode((UUID, UUID, Decimal).self)
            scores[assessment, default: []].append(AssessmentScore(dimensionID: dimension, score: score))
        }
        return scores
    }
}

/// Which page of assessments to read, newest first: keyset pagination on (assessed_on, created_at, id), all
/// descending, so rows added meanwhile never make one appear twice.
public struct AssessmentPageRequest: Sendable {
    public let limit: Int
    let after: (days: Int, createdAtMicros: Int64, id: UUID)?

    /// Throws `StoreError.invalid` for a limit outside 1...200 or a cursor this store did not hand out.
    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) throws {
        guard (1...PageRequest.maximumLimit).contains(limit) else {
            throw StoreError.invalid(
                constraint: "page_limit_range", message: "limit must be between 1 and \(PageRequest.maximumLimit)")
        }
        self.limit = limit
        self.after = try after.map(Self.parse)
    }

    /// Opaque to callers: base64url of "days.micros.uuid".
    static func token(days: Int, createdAtMicros: Int64, id: UUID) -> String {
        Data("\(days).\(createdAtMicros).\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func parse(_ token: String) throws -> (days: Int, createdAtMicros: Int64, id: UUID) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw invalid
        }
        let parts = text.split(separator: ".", maxSplits: 2)
        // A day outside what PostgreSQL's date holds would be an error there, not a page.
        guard parts.count == 3, let days = Int(parts[0]), abs(days) < 3_000_000, let micros = Int64(parts[1]),
            let id = UUID(uuidString: String(parts[2]))
        else { throw invalid }
        return (days, micros, id)
    }

    private static let invalid = StoreError.invalid(constraint: "page_cursor_valid", message: "the cursor is not valid")

    /// The keyset predicate (with a leading AND) for rows after the cursor.
    var predicate: SQL {
        guard let after else { return "" }
        return """
             AND (asm.assessed_on, asm.created_at, asm.id) < (DATE '1970-01-01' + \(after.days)::int4,
                  timestamptz 'epoch' + \(after.createdAtMicros)::int8 * interval '1 microsecond', \(after.id)::uuid)
            """
    }

    var orderAndLimit: SQL {
        " ORDER BY asm.assessed_on DESC, asm.created_at DESC, asm.id DESC LIMIT \(limit + 1)::int4"
    }
}

extension Reads {
    /// One assessment with its scores.
    public static func assessment(_ id: UUID) -> StoreRead<Assessment?> {
        StoreRead([
            """
            SELECT \(unescaped: Assessment.columns) FROM assessments AS asm
            WHERE asm.org_id = app.current_org() AND asm.id = \(id)::uuid
            """,
            """
            SELECT \(unescaped: AssessmentScore.columns)
            FROM assessment_scores AS sc
            JOIN assessment_dimensions AS ad ON ad.org_id = sc.org_id AND ad.id = sc.dimension_id
            WHERE sc.org_id = app.current_org() AND sc.assessment_id = \(id)::uuid
            ORDER BY ad.position, ad.name
            """,
        ]) { results in
            try results[0].decodeFirst { row in
                try Assessment(row: row, scores: try AssessmentScore.grouped(results[1])[id] ?? [])
            }
        }
    }

    /// Assessments newest first (by the day assessed), optionally of one leader or on one framework.
    public static func assessments(leaderID: UUID?, frameworkID: UUID?, page: AssessmentPageRequest) -> StoreRead<
        Page<Assessment>
    > {
        var assessments: SQL = """
            SELECT \(unescaped: Assessment.columns),
                   (extract(epoch FROM asm.created_at) * 1000000)::int8 AS page_created_at_micros
            FROM assessments AS asm
            WHERE asm.org_id = app.current_org()
              AND (\(leaderID)::uuid IS NULL OR asm.leader_id = \(leaderID)::uuid)
              AND (\(frameworkID)::uuid IS NULL OR asm.framework_id = \(frameworkID)::uuid)
            """
        assessments.append(page.predicate)
        assessments.append(page.orderAndLimit)
        var scores: SQL = """
            SELECT \(unescaped: AssessmentScore.columns)
            FROM assessment_scores AS sc
            JOIN assessment_dimensions AS ad ON ad.org_id = sc.org_id AND ad.id = sc.dimension_id
            WHERE sc.org_id = app.current_org() AND sc.assessment_id IN (SELECT page.id FROM (
            """
        scores.append(assessments)
        scores.append(") AS page) ORDER BY ad.position, ad.name")
        return StoreRead([assessments, scores]) { results in
            let scores = try AssessmentScore.grouped(results[1])
            let rows = Array(results[0].prefix(page.limit))
            let items = try rows.map { row in
                try Assessment(row: row, scores: scores[try row.decode("id", as: UUID.self)] ?? [])
            }
            guard results[0].count > page.limit, let last = rows.last else { return Page(items: items, next: nil) }
            return Page(
                items: items,
                next: AssessmentPageRequest.token(
                    days: try last.decode("assessed_on", as: Int.self),
                    createdAtMicros: try last.decode("page_created_at_micros", as: Int64.self),
                    id: try last.decode("id", as: UUID.self)))
        }
    }
}

extension TenantTransaction {
    /// The assessment's scores in its framework's dimension order.
    func assessmentScores(of id: UUID) async throws -> [AssessmentScore] {
        let result = try await transaction.query(
            """
            SELECT \(unescaped: AssessmentScore.columns)
            FROM assessment_scores AS sc
            JOIN assessment_dimensions AS ad ON ad.org_id = sc.org_id AND ad.id = sc.dimension_id
            WHERE sc.org_id = \(orgID)::uuid AND sc.assessment_id = \(id)::uuid
            ORDER BY ad.position, ad.name
            """)
        return try AssessmentScore.grouped(result)[id] ?? []
    }

    /// Corrects the assessment if it is still at `expectedVersion`: its day, assessor, notes, and its scores
    /// replaced as a whole. Its leader and framework stay.
    public func correctAssessment(_ id: UUID, expectedVersion: Int, _ fields: AssessmentFields) async throws
        -> Assessment
    {
        let framework = try await updateVersioned(
            """
            UPDATE assessments AS asm
            SET assessed_on = \(date: fields.assessedOn), assessor = \(fields.assessor), notes = \(fields.notes),
                version = asm.version + 1
            WHERE asm.org_id = \(orgID)::uuid AND asm.id = \(id)::uuid AND asm.version = \(expectedVersion)::int4
            RETURNING asm.framework_id
            """, table: "assessments", entity: "assessment", id: id, decode: { try $0.decode(0, as: UUID.self) })
        let scores = fields.scores
        _ = try await transaction.pipeline([
            "DELETE FROM assessment_scores WHERE org_id = \(orgID)::uuid AND assessment_id = \(id)::uuid",
            """
            INSERT INTO assessment_scores (org_id, assessment_id, framework_id, dimension_id, score)
            SELECT \(orgID)::uuid, \(id)::uuid, \(framework)::uuid, s.dimension_id, s.score
            FROM unnest(\(scores.map(\.dimensionID))::uuid[], \(scores.map(\.score))::numeric[])
                 AS s (dimension_id, score)
            """,
        ])
        guard let assessment = try await run(Reads.assessment(id)) else {
            throw StoreError.notFound(entity: "assessment", id: id.uuidString)
        }
        return assessment
    }

    /// Deletes the assessment and its scores if it is still at `expectedVersion`.
    public func deleteAssessment(_ id: UUID, expectedVersion: Int) async throws {
        let deleted = try await transaction.query(
            """
            DELETE FROM assessments AS asm
            WHERE asm.org_id = \(orgID)::uuid AND asm.id = \(id)::uuid AND asm.version = \(expectedVersion)::int4
            RETURNING asm.id
            """)
        if deleted.isEmpty { throw try await missedUpdate(table: "assessments", entity: "assessment", id: id) }
    }
}
