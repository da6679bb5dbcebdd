import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/alignment-gate`: the organisation's default alignment gate, the index an initiative needs
/// to move on to developing and implementing unless it sets its own `alignment_gate`.
struct AlignmentGateRoutes {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("orgs/:org/alignment-gate") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            guard let gate = try await dependencies.store.read(scope, Reads.organisationGate()) else {
                throw Problem.notFound("organisation \(scope.orgID)")
            }
            return try RouteSupport.json(gate)
        }
        group.put("orgs/:org/alignment-gate") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            let input = try RouteSupport.decode(
                OrganisationGate.self, from: try await RouteSupport.body(request, context: context))
            guard (0...1).contains(input.alignmentGate) else {
                throw Problem.invalid(
                    field: "alignment_gate", rule: "organisations_alignment_gate_range",
                    message: "the alignment gate is an index from 0 to 1")
            }
            let gate = try await dependencies.store.write(scope) { tx in
                try await tx.setOrganisationGate(input.alignmentGate)
            }
            return try RouteSupport.json(gate)
        }
    }
}
