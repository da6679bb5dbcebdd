import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a known path asked with the wrong method into 405 with `Allow` (RFC 9110
/// 15.5.6). Added after every route, so it sees only requests no route answered.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext

    /// Each route's path split into segments (`{name}` matches any one segment), with its methods.
    let routes: [(segments: [Substring], methods: [HTTPRequest.Method])]

    init(routes: [Router<Context>.RouteDescription]) {
        var methods: [String: [HTTPRequest.Method]] = [:]
        for route in routes { methods["\(route.path)", default: []].append(route.method) }
        self.routes = methods.map { path, methods in
            (path.split(separator: "/"), methods.sorted { $0.rawValue < $1.rawValue })
        }
    }

    /// The methods the path answers to; empty when no route has that path.
    func allowed(_ path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        return routes.filter { route in
            route.segments.count == parts.count
                && zip(route.segments, parts).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.flatMap(\.methods)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = allowed(request.uri.path)
            guard !allowed.isEmpty else { throw error }
            var response = try Problem(
                .methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                detail: "\(request.uri.path) answers to \(allowed.map(\.rawValue).joined(separator: ", "))"
            ).response(from: request, context: context)
            response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            return response
        }
    }
}
