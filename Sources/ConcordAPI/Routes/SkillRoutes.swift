import ConcordStore
import Foundation
import Hummingbird

/// Skills, roles with the levels they need and their learning pathways, the skills programmes develop, and
/// the gaps: `/v1/orgs/{org}/skills`, `/roles`, `/roles/{role}/gaps`, `/programmes/{id}/skills`, `/skill-gaps`.
struct SkillRoutes {
    let dependencies: APIDependencies

    struct Items<Item: Encodable>: Encodable {
        let items: [Item]
    }

    struct ProgrammeSkills: Codable {
        let skillIDs: [UUID]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("orgs/:org/skills") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            return try RouteSupport.json(Items(items: try await dependencies.store.read(scope, Reads.skills())))
        }
        group.post("orgs/:org/skills") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewSkill.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let skill = try await tx.createSkill(new)
                return Created(body: skill, location: "/v1/orgs/\(scope.orgID)/skills", version: nil)
            }
        }
        group.post("orgs/:org/roles") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let definition = try RouteSupport.decode(RoleDefinition.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let role = try await tx.createRole(definition)
                return Created(body: role, location: "/v1/orgs/\(scope.orgID)/roles/\(role.id)/gaps", version: nil)
            }
        }
        group.get("orgs/:org/roles/:role/gaps") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "role", entity: "role")
            guard let gaps = try await dependencies.store.read(scope, Reads.roleGaps(id)) else {
                throw Problem.notFound("role \(id)")
            }
            return try RouteSupport.json(gaps)
        }
        group.put("orgs/:org/programmes/:id/skills") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "programme")
            let input = try RouteSupport.decode(
                ProgrammeSkills.self, from: try await RouteSupport.body(request, context: context))
            let skills = try await dependencies.store.write(scope) { tx in
                try await tx.setProgrammeSkills(id, skills: input.skillIDs)
            }
            return try RouteSupport.json(ProgrammeSkills(skillIDs: skills))
        }
        group.get("orgs/:org/skill-gaps") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            return try RouteSupport.json(
                Items(items: try await dependencies.store.read(scope, Reads.skillGapsByArea())))
        }
    }
}
