import HTTPTypes
import Hummingbird

/// Turns the router's 404 for a known path asked with the wrong method into 405 with `Allow` (RFC 9110
/// 15.5.6). Added after every route, so it sees only requests no route answered.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext

    /// Each route's path split into segments (`{name}` matches any one segment, `{name}.svg` one ending in
    /// `.svg`), with its methods.
    let routes: [(segments: [Substring], methods: [HTTPRequest.Method])]

    init(routes: [Router<Context>.RouteDescription]) {
        var methods: [String: [HTTPRequest.Method]] = [:]
        for route in routes { methods["\(route.path)", default: []].append(route.method) }
        self.routes = methods.map { path, methods in
            (path.split(separator: "/"), methods.sorted { $0.rawValue < $1.rawValue })
        }
    }

    /// The methods the path answers to; empty when no route has that path. Where several paths match, the
    /// most specific one is the path, as in the router: a literal segment before `{name}.svg` before `{name}`.
    func allowed(_ path: String) -> [HTTPRequest.Method] {
        let parts = path.split(separator: "/")
        let matches = routes.compactMap { route -> (score: [Int], methods: [HTTPRequest.Method])? in
            guard route.segments.count == parts.count else { return nil }
            var score: [Int] = []
            for (segment, part) in zip(route.segments, parts) {
                guard let value = Self.match(segment, part) else { return nil }
                score.append(value)
            }
            return (score, route.methods)
        }
        guard let best = matches.map(\.score).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        return matches.filter { $0.score == best }.flatMap(\.methods)
    }

    /// How specifically `segment` matches `part` (2 literal, 1 capture with a suffix, 0 capture); nil: no match.
    static func match(_ segment: Substring, _ part: Substring) -> Int? {
        guard segment.hasPrefix("{"), let close = segment.firstIndex(of: "}") else { return segment == part ? 2 : nil }
        let suffix = segment[segment.index(after: close)...]
        if suffix.isEmpty { return 0 }
        return part.count > suffix.count && part.hasSuffix(suffix) ? 1 : nil
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
