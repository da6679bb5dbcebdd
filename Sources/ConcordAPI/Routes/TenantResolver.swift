import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird
import UUIDText

extension APIDependencies {
    /// The tenant scope for the `{org}` in the path, or 404: another organisation's id looks exactly like one
    /// that does not exist, so ids cannot be probed.
    func scope(_ context: ConcordRequestContext, require scope: Scope) async throws -> TenantScope {
        let principal = try context.requirePrincipal()
        guard let raw = context.parameters.get("org"), let orgID = UUIDText.uuid(raw) else {
            throw Problem.notFound("organisation")
        }
        let allowed: Bool
        switch principal.key.kind {
        case .organisation:
            allowed = principal.key.orgID == orgID
        case .consultancy:
            allowed = try await cache.canAccess(principalID: principal.key.principalID, orgID: orgID)
        }
        guard allowed else { throw Problem.notFound("organisation \(raw)") }
        try principal.require(scope)
        return TenantScope(orgID: orgID, actor: principal.actor)
    }
}
