import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// Request rate, latency and errors per route, under the names Hummingbird's `MetricsMiddleware` uses
/// (`hb_requests`, `http_server_request_duration`, `hb_request_errors`, `http_server_active_requests`).
///
/// Recorded when the handler has produced its response, not after the response is written: Hummingbird's
/// middleware wraps every body in a closure to run after the write, which loses its single-buffer path, so the
/// head, the body and the end each went to the event loop on their own (two writes and up to three event-loop
/// wake-ups per request instead of one, Benchmarks/api). Latency is therefore up to the handler's answer.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache: MetricsCache

    /// `factory`: where the metrics go (the registry `/metrics` serves).
    init(factory: any MetricsFactory) {
        cache = MetricsCache(factory: factory)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let route = cache.route(context.endpointPath ?? "Unknown", request.method, response.status)
            route.requests.increment()
            route.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = cache.route(context.endpointPath ?? "NotFound", request.method, status)
            route.requests.increment()
            route.errors.increment()
            throw error
        }
    }
}

/// The metric objects per method and per (route, method, status), made once: making them looks them up in
/// the metrics factory by name and dimensions.
private final class MetricsCache: Sendable {
    struct RouteKey: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct RouteMetrics: Sendable {
        let requests: Counter
        let duration: Timer
        let errors: Counter

        init(_ key: RouteKey, factory: any MetricsFactory) {
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions, factory: factory)
            duration = Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory)
            errors = Counter(
                label: "hb.request.errors",
                dimensions: [
                    ("http.route", key.route), ("http.request.method", key.method.rawValue),
                    ("error.type", String(key.status.code)),
                ], factory: factory)
        }
    }

    private let factory: any MetricsFactory
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { known in
            if let meter = known[method] { return meter }
            let meter = Meter(
                label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)],
                factory: factory)
            known[method] = meter
            return meter
        }
    }

    func route(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) -> RouteMetrics {
        let key = RouteKey(route: route, method: method, status: status)
        return routes.withLock { known in
            if let metrics = known[key] { return metrics }
            let metrics = RouteMetrics(key, factory: factory)
            known[key] = metrics
            return metrics
        }
    }
}
