import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/portfolio/…`: the consultancy's view across every organisation its key is granted (an
/// organisation key sees its own only); archived organisations are left out.
struct PortfolioRoutes {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("portfolio/initiatives") { request, context -> Response in
            let principal = try context.requirePrincipal()
            try principal.require(.read)
            let page = try Self.page(request, allowed: Store.portfolioInitiativeSorts, default: "alignment_index")
            let filter = PortfolioInitiativeFilter(
                health: try RouteSupport.enumQuery(request, "health", as: Health.self))
            let items = try await dependencies.store.portfolioInitiatives(
                organisations: try await organisations(principal), filter: filter, page: page, actor: principal.actor)
            return try RouteSupport.json(items)
        }
        group.get("portfolio/programmes") { request, context -> Response in
            let principal = try context.requirePrincipal()
            try principal.require(.read)
            let page = try Self.page(request, allowed: Store.portfolioProgrammeSorts, default: "-roi_percent")
            let items = try await dependencies.store.portfolioProgrammes(
                organisations: try await organisations(principal), page: page, actor: principal.actor)
            return try RouteSupport.json(items)
        }
    }

    func organisations(_ principal: Principal) async throws -> [UUID] {
        try await dependencies.keys.organisations(principalID: principal.key.principalID)
    }

    /// `?sort=&limit=&after=`.
    static func page(_ request: Request, allowed: [String], default fallback: String) throws -> PortfolioPageRequest {
        let query = request.uri.queryParameters
        var limit = PageRequest.defaultLimit
        if let raw = query["limit"] {
            guard let value = Int(String(raw)) else {
                throw Problem.invalid(field: "limit", rule: "type", message: "limit must be a whole number")
            }
            limit = value
        }
        let sort = try PortfolioSort(query["sort"].map(String.init) ?? fallback, allowed: allowed)
        return try PortfolioPageRequest(sort: sort, limit: limit, after: query["after"].map(String.init))
    }
}
