import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird
import WebhookGuard

/// `/v1/orgs/{org}/webhook-endpoints`: where the organisation's webhook and Slack nudges go (admin scope).
///
/// A URL whose host resolves to a loopback, private, link-local, unspecified or multicast address is refused
/// with 422 unless the operator's allow-list (`CONCORD_WEBHOOK_ALLOW_HOSTS`) names it: a tenant must not make
/// the worker call the operator's internal services. A webhook's signing secret is made here and shown once,
/// in the answer to the create; no other answer, and no log line, carries it.
struct WebhookEndpointRoutes {
    let dependencies: APIDependencies

    struct NewEndpoint: Decodable {
        let kind: String?
        let url: String
    }

    struct Changes: Codable {
        var url: String
        var enabled: Bool
    }

    /// The create's answer: the endpoint and, for a signed webhook, its secret (this once).
    struct CreatedEndpoint: Encodable {
        let endpoint: WebhookEndpointRecord
        let secret: String?
    }

    struct Items: Encodable {
        let items: [WebhookEndpointRecord]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let endpoints = group.group("orgs/:org/webhook-endpoints")
        endpoints.get { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            return try RouteSupport.json(
                Items(items: try await dependencies.store.read(scope, Reads.webhookEndpoints())))
        }
        endpoints.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            let new = try RouteSupport.decode(
                NewEndpoint.self, from: try await RouteSupport.body(request, context: context))
            let kind = new.kind ?? "webhook"
            guard ["webhook", "slack"].contains(kind) else {
                throw Problem.invalid(field: "kind", rule: "enum", message: "kind must be webhook or slack")
            }
            try await checkURL(new.url)
            let secret = kind == "webhook" ? Self.newSecret() : nil
            let endpoint = try await dependencies.store.write(scope) { tx in
                try await tx.createWebhookEndpoint(kind: kind, url: new.url, secrets: secret.map { [$0] } ?? [])
            }
            var response = try RouteSupport.json(
                CreatedEndpoint(endpoint: endpoint, secret: secret), status: .created, version: endpoint.version)
            response.headers[.location] = "/v1/orgs/\(scope.orgID)/webhook-endpoints/\(endpoint.id)"
            return response
        }
        endpoints.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            let id = try RouteSupport.id(context, "id", entity: "webhook endpoint")
            guard let endpoint = try await dependencies.store.read(scope, Reads.webhookEndpoint(id)) else {
                throw Problem.notFound("webhook endpoint \(id)")
            }
            return try RouteSupport.json(endpoint, version: endpoint.version)
        }
        endpoints.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            let id = try RouteSupport.id(context, "id", entity: "webhook endpoint")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            guard let current = try await dependencies.store.read(scope, Reads.webhookEndpoint(id)) else {
                throw Problem.notFound("webhook endpoint \(id)")
            }
            let changes = try MergePatch.apply(
                Data(buffer: body), to: Changes(url: current.url, enabled: current.disabledAt == nil))
            if changes.url != current.url { try await checkURL(changes.url) }
            let endpoint = try await dependencies.store.write(scope) { tx in
                try await tx.updateWebhookEndpoint(
                    id, expectedVersion: version, url: changes.url, enabled: changes.enabled)
            }
            return try RouteSupport.json(endpoint, version: endpoint.version)
        }
        endpoints.delete(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .admin)
            let id = try RouteSupport.id(context, "id", entity: "webhook endpoint")
            try await dependencies.store.write(scope) { tx in try await tx.deleteWebhookEndpoint(id) }
            return Response(status: .noContent)
        }
    }

    /// 422 naming `url` when the guard refuses it.
    private func checkURL(_ url: String) async throws {
        guard url.count <= 2000 else {
            throw Problem.invalid(field: "url", rule: "length", message: "url must be at most 2000 characters")
        }
        if case .failure(let refused) = await dependencies.webhookGuard.check(url) {
            throw Problem.invalid(field: "url", rule: "webhook_host", message: "url is not allowed: \(refused.reason)")
        }
    }

    /// 256 random bits, hex: the HMAC key the receiver verifies signatures with.
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_"
            + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
    }
}
