import Foundation
import HTTPTypes
import Hummingbird
import PQ

/// The worker's own small HTTP server, for load balancers, systemd and Prometheus: `/healthz` (the process
/// answers), `/readyz` (the database answers) and `/metrics`.
public enum WorkerStatusRoutes {
    public static func router(pool: ConnectionPool, metrics: WorkerMetrics) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("healthz") { _, _ in json(.ok, #"{"status":"ok"}"#) }
        router.get("readyz") { _, _ -> Response in
            do {
                _ = try await pool.withConnection { try await $0.query("SELECT 1") }
                return json(.ok, #"{"status":"ready"}"#)
            } catch {
                return json(.serviceUnavailable, #"{"status":"unavailable","detail":"the database is not reachable"}"#)
            }
        }
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(
                status: .ok, headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: await metrics.scrape(pool: pool))))
        }
        return router
    }

    private static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if status == .serviceUnavailable { headers[.retryAfter] = "5" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
