import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/assessments` and `/v1/orgs/{org}/leaders/{id}/assessments`: dated assessments of leaders, scored on their framework's dimensions. Scores
/// travel as decimal strings ("72.5"), as the API's other decimals do; JSON numbers are accepted on input.
/// A wrong assessment is corrected (PATCH) or deleted; the skill gaps read the latest one.
struct AssessmentRoutes {
    let dependencies: APIDependencies

    /// What records an assessment.
    struct NewAssessment: Decodable {
        let leaderID: UUID
        let frameworkID: UUID
        let assessedOn: CivilDate
        let assessor: String
        let notes: String
        let scores: [AssessmentScore]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            leaderID = try container.decode(UUID.self, forKey: .leaderID)
            frameworkID = try container.decode(UUID.self, forKey: .frameworkID)
            assessedOn = try container.decode(CivilDate.self, forKey: .assessedOn)
            assessor = try container.decode(String.self, forKey: .assessor)
            notes = try container.decodeIfPresent(String.self, forKey: .notes) ?? ""
            scores = try container.decodeIfPresent([AssessmentScore].self, forKey: .scores) ?? []
        }

        enum CodingKeys: String, CodingKey {
            case leaderID, frameworkID, assessedOn, assessor, notes, scores
        }
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let assessments = group.group("orgs/:org/assessments")
        assessments.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.assessments(
                    leaderID: try RouteSupport.uuidQuery(request, "leader_id"),
                    frameworkID: try RouteSupport.uuidQuery(request, "framework_id"), page: try Self.page(request)))
            return try RouteSupport.json(page)
        }
        assessments.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewAssessment.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let framework = try await Self.framework(new.frameworkID, in: tx)
                guard framework.archivedAt == nil else {
                    throw Problem.invalid(
                        field: "framework_id", rule: "framework_archived",
                        message: "framework_id: the framework is archived and takes no new assessments")
                }
                try AssessmentRules.check(scores: new.scores, on: framework)
                let assessment = try await tx.recordAssessment(
                    leaderID: new.leaderID, frameworkID: new.frameworkID, assessedOn: new.assessedOn,
                    assessor: new.assessor, notes: new.notes,
                    scores: Dictionary(uniqueKeysWithValues: new.scores.map { ($0.dimensionID, $0.score) }))
                return Created(
                    body: assessment, location: "/v1/orgs/\(scope.orgID)/assessments/\(assessment.id)",
                    version: assessment.version)
            }
        }
        // A leader's own list: as the filtered one, but an unknown leader is a 404 rather than an empty page.
        group.get("orgs/:org/leaders/:id/assessments") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            let (leader, page) = try await dependencies.store.read(
                scope,
                StoreRead.zip(
                    Reads.leader(id),
                    Reads.assessments(
                        leaderID: id, frameworkID: try RouteSupport.uuidQuery(request, "framework_id"),
                        page: try Self.page(request))))
            guard leader != nil else { throw Problem.notFound("leader \(id)") }
            return try RouteSupport.json(page)
        }
        assessments.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "assessment")
            guard let assessment = try await dependencies.store.read(scope, Reads.assessment(id)) else {
                throw Problem.notFound("assessment \(id)")
            }
            return try RouteSupport.json(assessment, version: assessment.version)
        }
        assessments.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let assessment = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.assessment(id)) else {
                    throw Problem.notFound("assessment \(id)")
                }
                let fields = try MergePatch.apply(Data(buffer: body), to: AssessmentFields(current))
                try AssessmentRules.check(
                    scores: fields.scores, on: try await Self.framework(current.frameworkID, in: tx))
                return try await tx.correctAssessment(id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(assessment, version: assessment.version)
        }
        assessments.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment")
            let version = try RouteSupport.expectedVersion(request)
            try await dependencies.store.write(scope) { tx in
                try await tx.deleteAssessment(id, expectedVersion: version)
            }
            return Response(status: .noContent)
        }
    }

    /// The assessment's framework; one that is not there (or is another organisation's) is a bad reference.
    static func framework(_ id: UUID, in tx: TenantTransaction) async throws -> AssessmentFramework {
        guard let framework = try await tx.run(Reads.assessmentFramework(id)) else {
            throw Problem.invalid(
                field: "framework_id", rule: "assessments_framework_fk",
                message: "framework_id: no assessment framework \(id.uuidString.lowercased()) in this organisation")
        }
        return framework
    }

    /// `?limit=&after=`: the cursor here is the newest-first one of assessments.
    static func page(_ request: Request) throws -> AssessmentPageRequest {
        let (limit, after) = try RouteSupport.pageParameters(request)
        return try AssessmentPageRequest(limit: limit, after: after)
    }
}
