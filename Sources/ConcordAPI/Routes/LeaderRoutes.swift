import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/leaders`: the people who head areas and get revisit nudges.
struct LeaderRoutes {
    let dependencies: APIDependencies

    struct Snooze: Decodable {
        let until: Date?
    }

    struct OptOut: Decodable {
        let optedOut: Bool
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let leaders = group.group("orgs/:org/leaders")
        leaders.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.leaders(
                    areaID: try RouteSupport.uuidQuery(request, "area_id"),
                    includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false,
                    page: try RouteSupport.page(request)))
            return try RouteSupport.json(page)
        }
        leaders.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let fields = try RouteSupport.decode(LeaderFields.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let leader = try await tx.createLeader(fields)
                return Created(
                    body: leader, location: "/v1/orgs/\(scope.orgID)/leaders/\(leader.id)", version: leader.version)
            }
        }
        leaders.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            guard let leader = try await dependencies.store.read(scope, Reads.leader(id)) else {
                throw Problem.notFound("leader \(id)")
            }
            return try RouteSupport.json(leader, version: leader.version)
        }
        leaders.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let leader = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.leader(id)) else { throw Problem.notFound("leader \(id)") }
                let fields = try MergePatch.apply(Data(buffer: body), to: LeaderFields(current))
                return try await tx.updateLeader(id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(leader, version: leader.version)
        }
        leaders.post(":id/snooze") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            let version = try RouteSupport.expectedVersion(request)
            let snooze = try RouteSupport.decode(
                Snooze.self, from: try await RouteSupport.body(request, context: context))
            let leader = try await dependencies.store.write(scope) { tx in
                try await tx.snoozeLeader(id, until: snooze.until, expectedVersion: version)
            }
            return try RouteSupport.json(leader, version: leader.version)
        }
        leaders.post(":id/opt-out") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            let version = try RouteSupport.expectedVersion(request)
            let optOut = try RouteSupport.decode(
                OptOut.self, from: try await RouteSupport.body(request, context: context))
            let leader = try await dependencies.store.write(scope) { tx in
                try await tx.setOptedOut(id, optOut.optedOut, expectedVersion: version)
            }
            return try RouteSupport.json(leader, version: leader.version)
        }
        leaders.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "leader")
            let version = try RouteSupport.expectedVersion(request)
            let leader = try await dependencies.store.write(scope) { tx in
                try await tx.archiveLeader(id, expectedVersion: version)
            }
            return try RouteSupport.json(leader, version: leader.version)
        }
    }
}
