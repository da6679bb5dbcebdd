import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/assessment-frameworks`: the dimensions an organisation assesses its leaders on. A
/// framework's dimensions are part of it: adding, editing or reordering one moves the framework's version
/// (its ETag) on, and edits and reorders need that ETag in `If-Match`.
struct AssessmentFrameworkRoutes {
    let dependencies: APIDependencies

    /// What creates a framework: its fields and its first dimensions, in display order.
    struct NewFramework: Decodable {
        let name: String
        let description: String
        let dimensions: [NamedFields]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
            dimensions = try container.decodeIfPresent([NamedFields].self, forKey: .dimensions) ?? []
        }

        enum CodingKeys: String, CodingKey {
            case name, description, dimensions
        }
    }

    struct DimensionOrder: Codable {
        let dimensionIDs: [UUID]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let frameworks = group.group("orgs/:org/assessment-frameworks")
        frameworks.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.assessmentFrameworks(
                    includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false,
                    page: try RouteSupport.page(request)))
            return try RouteSupport.json(page)
        }
        frameworks.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewFramework.self, from: body)
            try AssessmentRules.check(dimensions: new.dimensions)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let framework = try await tx.createAssessmentFramework(
                    name: new.name, description: new.description, dimensions: new.dimensions)
                return Created(
                    body: framework, location: "/v1/orgs/\(scope.orgID)/assessment-frameworks/\(framework.id)",
                    version: framework.version)
            }
        }
        frameworks.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            guard let framework = try await dependencies.store.read(scope, Reads.assessmentFramework(id)) else {
                throw Problem.notFound("assessment framework \(id)")
            }
            return try RouteSupport.json(framework, version: framework.version)
        }
        frameworks.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let framework = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.assessmentFramework(id)) else {
                    throw Problem.notFound("assessment framework \(id)")
                }
                let fields = try MergePatch.apply(Data(buffer: body), to: NamedFields(current))
                return try await tx.updateAssessmentFramework(id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(framework, version: framework.version)
        }
        // Archived, a framework keeps its assessments and stays readable; it takes no new assessments.
        frameworks.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            let version = try RouteSupport.expectedVersion(request)
            let framework = try await dependencies.store.write(scope) { tx in
                try await tx.archiveAssessmentFramework(id, expectedVersion: version)
            }
            return try RouteSupport.json(framework, version: framework.version)
        }
        frameworks.post(":id/dimensions") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            let body = try await RouteSupport.body(request, context: context)
            let dimension = try RouteSupport.decode(NamedFields.self, from: body)
            try AssessmentRules.checkName(dimension.name, field: "name", rule: "assessment_dimensions_name_valid")
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let added = try await tx.addAssessmentDimension(to: id, dimension)
                return Created(
                    body: added,
                    location: "/v1/orgs/\(scope.orgID)/assessment-frameworks/\(id)/dimensions/\(added.id)",
                    version: nil)
            }
        }
        frameworks.patch(":id/dimensions/:item") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            let item = try RouteSupport.id(context, "item", entity: "assessment dimension")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let framework = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.assessmentFramework(id)) else {
                    throw Problem.notFound("assessment framework \(id)")
                }
                guard let dimension = current.dimensions.first(where: { $0.id == item }) else {
                    throw Problem.notFound("assessment dimension \(item)")
                }
                let fields = try MergePatch.apply(Data(buffer: body), to: NamedFields(dimension))
                try AssessmentRules.checkName(fields.name, field: "name", rule: "assessment_dimensions_name_valid")
                return try await tx.updateAssessmentDimension(item, of: id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(framework, version: framework.version)
        }
        frameworks.put(":id/dimension-order") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "assessment framework")
            let version = try RouteSupport.expectedVersion(request)
            let order = try RouteSupport.decode(
                DimensionOrder.self, from: try await RouteSupport.body(request, context: context))
            let framework = try await dependencies.store.write(scope) { tx in
                try await tx.reorderAssessmentDimensions(id, expectedVersion: version, order.dimensionIDs)
            }
            return try RouteSupport.json(framework, version: framework.version)
        }
    }
}
