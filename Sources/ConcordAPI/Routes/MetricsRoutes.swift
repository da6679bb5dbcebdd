import HTTPTypes
import Hummingbird
import PQ
import Prometheus

/// `/metrics` in the Prometheus text format: request rate, latency and errors per route (recorded by
/// `RequestMetricsMiddleware` through swift-metrics), and the connection pool's state.
struct MetricsRoutes {
    let registry: PrometheusCollectorRegistry
    let pool: ConnectionPool

    func register(on router: Router<ConcordRequestContext>) {
        let open = registry.makeGauge(name: "concord_db_pool_connections_open")
        let idle = registry.makeGauge(name: "concord_db_pool_connections_idle")
        let inUse = registry.makeGauge(name: "concord_db_pool_connections_in_use")
        let waiting = registry.makeGauge(name: "concord_db_pool_waiters")
        router.get("metrics") { _, _ -> Response in
            let statistics = await pool.statistics
            open.set(Double(statistics.open))
            idle.set(Double(statistics.idle))
            inUse.set(Double(statistics.open - statistics.idle))
            waiting.set(Double(statistics.waiting))
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
