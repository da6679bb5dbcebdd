import ConcordStore
import Foundation
import Hummingbird

/// The readiness check: `/v1/orgs/{org}/readiness/questions` (the questionnaire: add, edit, reorder, retire)
/// and `/v1/orgs/{org}/readiness/checks` (send to leaders through their nudge channels, read the results).
struct ReadinessRoutes {
    let dependencies: APIDependencies

    struct Items<Item: Encodable>: Encodable {
        let items: [Item]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let questions = group.group("orgs/:org/readiness/questions")
        questions.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let retired = try RouteSupport.boolQuery(request, "include_retired") ?? false
            return try RouteSupport.json(
                Items(
                    items: try await dependencies.store.read(scope, Reads.readinessQuestions(includeRetired: retired))))
        }
        questions.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let fields = try RouteSupport.decode(ReadinessQuestionFields.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let question = try await tx.addReadinessQuestion(fields)
                return Created(
                    body: question, location: "/v1/orgs/\(scope.orgID)/readiness/questions/\(question.id)",
                    version: question.version)
            }
        }
        questions.put("order") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let order = try RouteSupport.decode(
                ReadinessQuestionOrder.self, from: try await RouteSupport.body(request, context: context))
            let ordered = try await dependencies.store.write(scope) { tx in
                try await tx.reorderReadinessQuestions(order.questionIDs)
            }
            return try RouteSupport.json(Items(items: ordered))
        }
        questions.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "readiness question")
            guard let question = try await dependencies.store.read(scope, Reads.readinessQuestion(id)) else {
                throw Problem.notFound("readiness question \(id)")
            }
            return try RouteSupport.json(question, version: question.version)
        }
        questions.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "readiness question")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let question = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.readinessQuestion(id)) else {
                    throw Problem.notFound("readiness question \(id)")
                }
                let fields = try MergePatch.apply(Data(buffer: body), to: ReadinessQuestionFields(current))
                return try await tx.updateReadinessQuestion(id, expectedVersion: version, fields)
            }
            return try RouteSupport.json(question, version: question.version)
        }
        questions.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "readiness question")
            let version = try RouteSupport.expectedVersion(request)
            let question = try await dependencies.store.write(scope) { tx in
                try await tx.retireReadinessQuestion(id, expectedVersion: version)
            }
            return try RouteSupport.json(question, version: question.version)
        }

        let checks = group.group("orgs/:org/readiness/checks")
        checks.get { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            return try RouteSupport.json(
                Items(items: try await dependencies.store.read(scope, Reads.readinessChecks())))
        }
        checks.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewReadinessCheck.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let check = try await tx.sendReadinessCheck(new, now: Date())
                return Created(
                    body: check, location: "/v1/orgs/\(scope.orgID)/readiness/checks/\(check.id)", version: nil)
            }
        }
        checks.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "readiness check")
            guard let results = try await dependencies.store.read(scope, Reads.readinessResults(id)) else {
                throw Problem.notFound("readiness check \(id)")
            }
            return try RouteSupport.json(results)
        }
    }
}
