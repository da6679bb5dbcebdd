import ConcordTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite struct MetricsTests {
    @Test func metricsExposeThePoolInPrometheusFormat() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.application().test(.live) { client in
            _ = try await client.send(.get, "/readyz")
            let response = try await client.send(.get, "/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(response.text.contains("# TYPE concord_db_pool_connections_open gauge"))
            // The readiness check opened at least one connection, and it is back in the pool.
            let line = response.text.split(separator: "\n").first { $0.hasPrefix("concord_db_pool_connections_open ") }
            let open = line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
            #expect(open >= 1)
        }
    }
}

@Suite struct RequestMetricsTests {
    /// Each request is counted under its route, method and status, with its latency, in the registry that
    /// `/metrics` serves; a route's count grows by exactly the requests it answered.
    @Test func requestsAreCountedPerRouteAndStatus() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let registry = PrometheusCollectorRegistry()
        try await fixture.application(metrics: registry).test(.live) { client in
            for _ in 0..<3 { _ = try await client.send(.get, "/healthz") }
            _ = try await client.send(.get, "/v1/orgs")
            let text = try await client.send(.get, "/metrics").text
            func count(_ route: String, _ status: Int) -> Double? {
                let line = text.split(separator: "\n").first {
                    $0.hasPrefix("hb_requests{") && $0.contains("http_route=\"\(route)\"")
                        && $0.contains("http_response_status_code=\"\(status)\"")
                }
                return line.flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect(count("/healthz", 200) == 3)
            #expect(count("/v1/orgs", 401) == 1)
            #expect(text.contains("http_server_request_duration_bucket{"))
            #expect(text.contains("http_server_active_requests{"))
        }
    }
}
