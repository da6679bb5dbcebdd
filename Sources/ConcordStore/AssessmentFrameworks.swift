import Foundation
import PQ

extension Reads {
    /// Frameworks in creation order, each with its dimensions, in one round trip.
    public static func assessmentFrameworks(includeArchived: Bool = false, page: PageRequest) -> StoreRead<
        Page<AssessmentFramework>
    > {
        var frameworks: SQL = """
            SELECT \(unescaped: AssessmentFramework.columns), \(unescaped: PageRequest.cursorColumn(alias: "af"))
            FROM assessment_frameworks AS af
            WHERE af.org_id = app.current_org() AND (\(includeArchived)::bool OR af.archived_at IS NULL)
            """
        frameworks.append(page.predicate(alias: "af"))
        frameworks.append(page.orderAndLimit(alias: "af"))
        // The page's dimensions come in the same round trip, so the page's query is repeated as a subquery.
        var dimensions: SQL = """
            SELECT \(unescaped: AssessmentDimension.columns) FROM assessment_dimensions AS ad
            WHERE ad.org_id = app.current_org() AND ad.framework_id IN (SELECT page.id FROM (
            """
        dimensions.append(frameworks)
        dimensions.append(") AS page) ORDER BY ad.position, ad.name")
        return StoreRead([frameworks, dimensions]) { results in
            var byFramework: [UUID: [AssessmentDimension]] = [:]
            for dimension in try results[1].decodeAll(AssessmentDimension.init(row:)) {
                byFramework[dimension.frameworkID, default: []].append(dimension)
            }
            return try page.page(results[0]) { row in
                try AssessmentFramework(row: row, dimensions: byFramework[try row.decode("id", as: UUID.self)] ?? [])
            }
        }
    }
}

extension TenantTransaction {
    /// The framework as this transaction sees it; `notFound` when there is none.
    func requireFramework(_ id: UUID) async throws -> AssessmentFramework {
        guard let framework = try await run(Reads.assessmentFramework(id)) else {
            throw StoreError.notFound(entity: "assessment framework", id: id.uuidString)
        }
        return framework
    }

    /// Moves the framework to its next version if it is still at `expectedVersion`: its dimensions are part of
    /// what it reads as, so changing one changes the framework.
    func bumpFramework(_ id: UUID, expectedVersion: Int) async throws {
        _ = try await updateVersioned(
            """
            UPDATE assessment_frameworks AS af SET version = af.version + 1
            WHERE af.org_id = \(orgID)::uuid AND af.id = \(id)::uuid AND af.version = \(expectedVersion)::int4
            RETURNING af.id
            """, table: "assessment_frameworks", entity: "assessment framework", id: id, decode: { _ in () })
    }

    /// Replaces the framework's name and description if it is still at `expectedVersion`.
    public func updateAssessmentFramework(_ id: UUID, expectedVersion: Int, _ fields: NamedFields) async throws
        -> AssessmentFramework
    {
        _ = try await updateVersioned(
            """
            UPDATE assessment_frameworks AS af
            SET name = \(fields.name), description = \(fields.description), version = af.version + 1
            WHERE af.org_id = \(orgID)::uuid AND af.id = \(id)::uuid AND af.version = \(expectedVersion)::int4
            RETURNING af.id
            """, table: "assessment_frameworks", entity: "assessment framework", id: id, decode: { _ in () })
        return try await requireFramework(id)
    }

    /// Replaces a dimension's name and description if its framework is still at `expectedVersion`.
    public func updateAssessmentDimension(
        _ dimensionID: UUID, of frameworkID: UUID, expectedVersion: Int, _ fields: NamedFields
    ) async throws -> AssessmentFramework {
        try await bumpFramework(frameworkID, expectedVersion: expectedVersion)
        let changed = try await transaction.query(
            """
            UPDATE assessment_dimensions AS ad
            SET name = \(fields.name), description = \(fields.description), version = ad.version + 1
            WHERE ad.org_id = \(orgID)::uuid AND ad.framework_id = \(frameworkID)::uuid AND ad.id = \(dimensionID)::uuid
            RETURNING ad.id
            """)
        if changed.isEmpty { throw StoreError.notFound(entity: "assessment dimension", id: dimensionID.uuidString) }
        return try await requireFramework(frameworkID)
    }

    /// Puts the framework's dimensions in the order given, which must name each of them once.
    public func reorderAssessmentDimensions(_ frameworkID: UUID, expectedVersion: Int, _ order: [UUID]) async throws
        -> AssessmentFramework
    {
        try await bumpFramework(frameworkID, expectedVersion: expectedVersion)
        let current = try await requireFramework(frameworkID).dimensions.map(\.id)
        guard order.count == current.count, Set(order) == Set(current) else {
            throw StoreError.invalid(
                constraint: "assessment_dimensions_order_complete",
                message: "dimension_ids must name each of the framework's \(current.count) dimensions exactly once")
        }
        _ = try await transaction.query(
            """
            UPDATE assessment_dimensions AS ad SET position = (u.ordinal - 1)::smallint, version = ad.version + 1
            FROM unnest(\(order)::uuid[]) WITH ORDINALITY AS u (id, ordinal)
            WHERE ad.org_id = \(orgID)::uuid AND ad.framework_id = \(frameworkID)::uuid AND ad.id = u.id
            """)
        return try await requireFramework(frameworkID)
    }
}
