import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// Alignment ratings: append one, append a workshop's batch, read the history and the latest per leader.
struct RatingRoutes {
    let dependencies: APIDependencies

    /// A rating as a client sends it; the initiative comes from the path.
    struct RatingInput: Decodable {
        let leaderID: UUID
        let priority: Int
        let buyIn: BuyIn?
        let resistanceNote: String?
        let source: RatingSource?
        let ratedAt: Date?

        func rating(for initiativeID: UUID, defaultSource: RatingSource) -> NewRating {
            NewRating(
                initiativeID: initiativeID, leaderID: leaderID, priority: priority, buyIn: buyIn,
                resistanceNote: resistanceNote, source: source ?? defaultSource, ratedAt: ratedAt)
        }
    }

    struct Batch: Decodable {
        let ratings: [RatingInput]
    }

    struct RatingList: Encodable {
        let items: [RatingRecord]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let ratings = group.group("orgs/:org/initiatives/:id/ratings")
        ratings.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let initiativeID = try RouteSupport.id(context, "id", entity: "initiative")
            let body = try await RouteSupport.body(request, context: context)
            let input = try RouteSupport.decode(RatingInput.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let record = try await tx.recordRating(input.rating(for: initiativeID, defaultSource: .api))
                return Created(
                    body: record, location: "/v1/orgs/\(scope.orgID)/initiatives/\(initiativeID)/ratings",
                    version: nil)
            }
        }
        // A workshop's ratings land together or not at all.
        ratings.post("batch") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let initiativeID = try RouteSupport.id(context, "id", entity: "initiative")
            let body = try await RouteSupport.body(request, context: context)
            let batch = try RouteSupport.decode(Batch.self, from: body)
            guard !batch.ratings.isEmpty, batch.ratings.count <= 1000 else {
                throw Problem.invalid(field: "ratings", rule: "count", message: "send 1 to 1000 ratings")
            }
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let records = try await tx.recordRatings(
                    batch.ratings.map { $0.rating(for: initiativeID, defaultSource: .workshop) })
                return Created(
                    body: RatingList(items: records),
                    location: "/v1/orgs/\(scope.orgID)/initiatives/\(initiativeID)/ratings", version: nil)
            }
        }
        ratings.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let initiativeID = try RouteSupport.id(context, "id", entity: "initiative")
            let leaderID = try RouteSupport.uuidQuery(request, "leader_id")
            let (initiative, history) = try await dependencies.store.read(
                scope, .zip(Reads.initiative(initiativeID), Reads.ratingHistory(of: initiativeID, leaderID: leaderID)))
            guard initiative != nil else { throw Problem.notFound("initiative \(initiativeID)") }
            return try RouteSupport.json(RatingList(items: history))
        }
        ratings.get("latest") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let initiativeID = try RouteSupport.id(context, "id", entity: "initiative")
            let (initiative, latest) = try await dependencies.store.read(
                scope, .zip(Reads.initiative(initiativeID), Reads.latestRatings(of: initiativeID)))
            guard initiative != nil else { throw Problem.notFound("initiative \(initiativeID)") }
            return try RouteSupport.json(RatingList(items: latest))
        }
    }
}
