import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <key>` on every route behind it and records the principal.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext
    let cache: KeyCache

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw Problem.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count < 200 else {
            throw Problem.unauthorized
        }
        guard let key = try await cache.key(for: APIKeySecret(String(parts[1]))), !key.revoked else {
            throw Problem.unauthorized
        }
        var context = context
        context.principal = Principal(key: key)
        return try await next(request, context)
    }
}

extension ConcordRequestContext {
    /// The authenticated caller; routes behind `AuthMiddleware` always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized }
        return principal
    }
}
