import ConcordTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
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
