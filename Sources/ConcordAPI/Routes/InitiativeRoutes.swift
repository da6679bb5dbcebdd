import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/initiatives`: change initiatives, their supporting areas, stage and health, and the
/// alignment of their required leaders.
struct InitiativeRoutes {
    let dependencies: APIDependencies

    struct StageChange: Decodable {
        let stage: Stage
        /// Goes ahead below the alignment gate; the reason is kept with the change.
        let gateOverride: GateOverrideInput?
    }

    struct GateOverrideInput: Decodable {
        let reason: String
    }

    struct HealthChange: Decodable {
        let health: Health
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let initiatives = group.group("orgs/:org/initiatives")
        initiatives.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let filter = InitiativeFilter(
                stage: try RouteSupport.enumQuery(request, "stage", as: Stage.self),
                health: try RouteSupport.enumQuery(request, "health", as: Health.self),
                leadAreaID: try RouteSupport.uuidQuery(request, "lead_area_id"),
                hasStaleAlignment: try RouteSupport.boolQuery(request, "stale_alignment"),
                includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false)
            let page = try await dependencies.store.read(
                scope, Reads.initiatives(filter, page: try RouteSupport.page(request), now: Date()))
            return try RouteSupport.json(page)
        }
        initiatives.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewInitiative.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let initiative = try await tx.createInitiative(new)
                return Created(
                    body: initiative, location: "/v1/orgs/\(scope.orgID)/initiatives/\(initiative.id)",
                    version: initiative.version)
            }
        }
        // One round trip: the initiative, its areas, its required leaders and their latest ratings.
        initiatives.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            guard let detail = try await dependencies.store.read(scope, Reads.initiativeDetail(id, now: Date())) else {
                throw Problem.notFound("initiative \(id)")
            }
            return try RouteSupport.json(detail, version: detail.initiative.version)
        }
        initiatives.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let initiative = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.initiative(id)) else {
                    throw Problem.notFound("initiative \(id)")
                }
                let changes = try MergePatch.apply(Data(buffer: body), to: InitiativeChanges(current))
                return try await tx.updateInitiative(id, expectedVersion: version, changes)
            }
            return try RouteSupport.json(initiative, version: initiative.version)
        }
        initiatives.post(":id/stage") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            let version = try RouteSupport.expectedVersion(request)
            let change = try RouteSupport.decode(
                StageChange.self, from: try await RouteSupport.body(request, context: context))
            let override = try change.gateOverride.map { input in
                let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
                // Counted in code points, as the document's maxLength and the database's length() count.
                guard !reason.isEmpty, input.reason.unicodeScalars.count <= 2000 else {
                    throw Problem.invalid(
                        field: "gate_override.reason", rule: "stage_gate_overrides_reason_valid",
                        message: "an override needs a reason of 1 to 2000 characters")
                }
                return GateOverride(reason: reason)
            }
            let initiative = try await dependencies.store.write(scope) { tx in
                try await tx.changeStage(id, to: change.stage, expectedVersion: version, override: override)
            }
            return try RouteSupport.json(initiative, version: initiative.version)
        }
        initiatives.post(":id/health") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            let version = try RouteSupport.expectedVersion(request)
            let change = try RouteSupport.decode(
                HealthChange.self, from: try await RouteSupport.body(request, context: context))
            let initiative = try await dependencies.store.write(scope) { tx in
                try await tx.changeHealth(id, to: change.health, expectedVersion: version)
            }
            return try RouteSupport.json(initiative, version: initiative.version)
        }
        initiatives.put(":id/supporting-areas") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            let version = try RouteSupport.expectedVersion(request)
            let areas = try RouteSupport.decode(
                [SupportingArea].self, from: try await RouteSupport.body(request, context: context))
            // One upsert statement cannot touch the same row twice (SQLSTATE 21000): refuse it here.
            guard Set(areas.map(\.areaID)).count == areas.count else {
                throw Problem.invalid(field: "area_id", rule: "unique", message: "each area may be listed once")
            }
            let initiative = try await dependencies.store.write(scope) { tx in
                try await tx.replaceSupportingAreas(of: id, with: areas, expectedVersion: version)
            }
            return try RouteSupport.json(initiative, version: initiative.version)
        }
        initiatives.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            let version = try RouteSupport.expectedVersion(request)
            let initiative = try await dependencies.store.write(scope) { tx in
                try await tx.archiveInitiative(id, expectedVersion: version)
            }
            return try RouteSupport.json(initiative, version: initiative.version)
        }
    }
}
