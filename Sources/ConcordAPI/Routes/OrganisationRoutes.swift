import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs`: the organisations a key may act for.
struct OrganisationRoutes {
    let dependencies: APIDependencies

    struct OrganisationList: ResponseEncodable {
        let items: [OrganisationRef]
    }

    struct OrganisationRef: Codable {
        let id: UUID
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("orgs") { _, context -> OrganisationList in
            let principal = try context.requirePrincipal()
            try principal.require(.read)
            switch principal.key.kind {
            case .organisation:
                return OrganisationList(items: principal.key.orgID.map { [OrganisationRef(id: $0)] } ?? [])
            case .consultancy:
                let ids = try await dependencies.keys.organisations(principalID: principal.key.principalID)
                return OrganisationList(items: ids.map(OrganisationRef.init))
            }
        }
    }
}
