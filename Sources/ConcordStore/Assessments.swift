import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    /// Creates a framework with its dimensions (in the order given) in one round trip.
    public func createAssessmentFramework(
        name: String, description: String = "", dimensions: [NamedFields]
    ) async throws -> AssessmentFramework {
        let id = UUID()
        let results = try await transaction.pipeline([
            """
            INSERT INTO assessment_frameworks AS af (org_id, id, name, description)
            VALUES (\(orgID)::uuid, \(id)::uuid, \(name), \(description))
            RETURNING \(unescaped: AssessmentFramework.columns)
            """,
            """
            INSERT INTO assessment_dimensions AS ad (org_id, framework_id, name, description, position)
            SELECT \(orgID)::uuid, \(id)::uuid, d.name, d.description, d.position - 1
            FROM unnest(\(dimensions.map(\.name))::text[], \(dimensions.map(\.description))::text[])
                 WITH ORDINALITY AS d (name, description, position)
            RETURNING \(unescaped: AssessmentDimension.columns)
            """,
        ])
        let dimensions = try results[1].decodeAll(AssessmentDimension.init(row:)).sorted { $0.position < $1.position }
        return try AssessmentFramework(row: results[0][0], dimensions: dimensions)
    }

    /// Adds a dimension after the framework's last one; the framework's version moves on, since what it reads
    /// as changed.
    public func addAssessmentDimension(to frameworkID: UUID, _ dimension: NamedFields) async throws
        -> AssessmentDimension
    {
        let results = try await transaction.pipeline([
            """
            UPDATE assessment_frameworks AS af SET version = af.version + 1
            WHERE af.org_id = \(orgID)::uuid AND af.id = \(frameworkID)::uuid
            """,
            """
            INSERT INTO assessment_dimensions AS ad (org_id, framework_id, name, description, position)
            SELECT \(orgID)::uuid, af.id, \(dimension.name), \(dimension.description),
                   coalesce((SELECT max(x.position) + 1 FROM assessment_dimensions AS x
                             WHERE x.org_id = af.org_id AND x.framework_id = af.id), 0)
            FROM assessment_frameworks AS af
            WHERE af.org_id = \(orgID)::uuid AND af.id = \(frameworkID)::uuid
            RETURNING \(unescaped: AssessmentDimension.columns)
            """,
        ])
        guard let row = results[1].first else {
            throw StoreError.notFound(entity: "assessment framework", id: frameworkID.uuidString)
        }
        return try AssessmentDimension(row: row)
    }

    /// Archives the framework if it is still at `expectedVersion`; its assessments stay.
    public func archiveAssessmentFramework(_ id: UUID, expectedVersion: Int) async throws -> AssessmentFramework {
        _ = try await updateVersioned(
            """
            UPDATE assessment_frameworks AS af
            SET archived_at = coalesce(af.archived_at, now()), version = af.version + 1
            WHERE af.org_id = \(orgID)::uuid AND af.id = \(id)::uuid AND af.version = \(expectedVersion)::int4
            RETURNING af.id
            """, table: "assessment_frameworks", entity: "assessment framework", id: id, decode: { _ in () })
        return try await requireFramework(id)
    }

    /// Records a dated assessment with its scores (0-100 per dimension of the framework) in one round trip.
    public func recordAssessment(
        leaderID: UUID, frameworkID: UUID, assessedOn: CivilDate, assessor: String, notes: String = "",
        scores: [UUID: Decimal]
    ) async throws -> Assessment {
        let id = UUID()
        let ordered = scores.sorted { $0.key.uuidString < $1.key.uuidString }
        var statements: [SQL] = [
            """
            INSERT INTO assessments AS asm (org_id, id, leader_id, framework_id, assessed_on, assessor, notes)
            VALUES (\(orgID)::uuid, \(id)::uuid, \(leaderID)::uuid, \(frameworkID)::uuid, \(date: assessedOn),
                    \(assessor), \(notes))
            RETURNING \(unescaped: Assessment.columns)
            """
        ]
        if !ordered.isEmpty {
            statements.append(
                """
                INSERT INTO assessment_scores (org_id, assessment_id, framework_id, dimension_id, score)
                SELECT \(orgID)::uuid, \(id)::uuid, \(frameworkID)::uuid, s.dimension_id, s.score
                FROM unnest(\(ordered.map { $0.key })::uuid[], \(ordered.map { $0.value })::numeric[]) AS s (dimension_id, score)
                """)
        }
        let results = try await transaction.pipeline(statements)
        return try Assessment(row: results[0][0], scores: try await assessmentScores(of: id))
    }
}

extension Reads {
    /// One framework with its dimensions.
    public static func assessmentFramework(_ id: UUID) -> StoreRead<AssessmentFramework?> {
        StoreRead([
            "SELECT \(unescaped: AssessmentFramework.columns) FROM assessment_frameworks AS af WHERE af.org_id = app.current_org() AND af.id = \(id)::uuid",
            """
            SELECT \(unescaped: AssessmentDimension.columns) FROM assessment_dimensions AS ad
            WHERE ad.org_id = app.current_org() AND ad.framework_id = \(id)::uuid ORDER BY ad.position, ad.name
            """,
        ]) { results in
            guard let row = results[0].first else { return nil }
            return try AssessmentFramework(
                row: row, dimensions: try results[1].decodeAll(AssessmentDimension.init(row:)))
        }
    }

    /// A leader's assessments with their scores, most recent first.
    public static func assessments(of leaderID: UUID) -> StoreRead<[Assessment]> {
        StoreRead([
            """
            SELECT \(unescaped: Assessment.columns) FROM assessments AS asm
            WHERE asm.org_id = app.current_org() AND asm.leader_id = \(leaderID)::uuid
            ORDER BY asm.assessed_on DESC, asm.created_at DESC, asm.id
            """,
            """
            SELECT \(unescaped: AssessmentScore.columns)
            FROM assessments AS asm
            JOIN assessment_scores AS sc ON sc.org_id = asm.org_id AND sc.assessment_id = asm.id
            JOIN assessment_dimensions AS ad ON ad.org_id = sc.org_id AND ad.id = sc.dimension_id
            WHERE asm.org_id = app.current_org() AND asm.leader_id = \(leaderID)::uuid
            ORDER BY ad.position, ad.name
            """,
        ]) { results in
            let scores = try AssessmentScore.grouped(results[1])
            return try results[0].decodeAll { row in
                try Assessment(row: row, scores: scores[try row.decode("id", as: UUID.self)] ?? [])
            }
        }
    }
}
