import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <key>` on every route behind it and records the principal; a client
/// that failed too often in the window gets 429 until enough of its failures age out.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext
    let cache: KeyCache
    let failures: FailedAuthLimiter

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        // Checked before the key is even looked at, so a limited client is refused whatever it sends, a good
        // key included: if a right guess got through, the answer would tell a guesser which guess was right
        // and the limit would not cap guessing at all.
        if let wait = await failures.retryAfter(client: context.clientAddress) {
            throw Problem.tooManyFailures(retryAfter: max(1, Int(wait.components.seconds) + 1))
        }
        let principal: Principal
        do {
            principal = try await authenticate(request)
        } catch let problem as Problem where problem.statusCode == 401 {
            await failures.recordFailure(client: context.clientAddress)
            throw problem
        }
        var context = context
        context.principal = principal
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Principal {
        guard let header = request.headers[.authorization] else { throw Problem.unauthorized }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count < 200 else {
            throw Problem.unauthorized
        }
        guard let key = try await cache.key(for: APIKeySecret(String(parts[1]))), !key.revoked else {
            throw Problem.unauthorized
        }
        return Principal(key: key)
    }
}

extension ConcordRequestContext {
    /// The authenticated caller; routes behind `AuthMiddleware` always have one.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem.unauthorized }
        return principal
    }
}
