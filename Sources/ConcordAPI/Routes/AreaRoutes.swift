import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/areas`: departments and functions, with an optional parent and a head.
struct AreaRoutes {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let areas = group.group("orgs/:org/areas")
        areas.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.areas(
                    parentID: try RouteSupport.uuidQuery(request, "parent_id"),
                    includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false,
                    page: try RouteSupport.page(request)))
            return try RouteSupport.json(page)
        }
        areas.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let fields = try RouteSupport.decode(AreaFields.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let area = try await tx.createArea(fields)
                return Created(
                    body: area, location: "/v1/orgs/\(scope.orgID)/areas/\(area.id)", version: area.version)
            }
        }
        areas.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "area")
            guard let area = try await dependencies.store.read(scope, Reads.area(id)) else {
                throw Problem.notFound("area \(id)")
            }
            return try RouteSupport.json(area, version: area.version)
        }
        areas.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "area")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let area = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.area(id)) else { throw Problem.notFound("area \(id)") }
                let fields = try MergePatch.apply(Data(buffer: body), to: AreaFields(current))
                return try await tx.updateArea(id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(area, version: area.version)
        }
        areas.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "area")
            let version = try RouteSupport.expectedVersion(request)
            let area = try await dependencies.store.write(scope) { tx in
                try await tx.archiveArea(id, expectedVersion: version)
            }
            return try RouteSupport.json(area, version: area.version)
        }
    }
}
