import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import Prometheus
import Synchronization
import Testing

@testable import ConcordAPI

/// A CSV import is read and checked without awaiting (seconds of CPU for the 32 MiB the route takes). With
/// each connection handled on its event loop, that work must not run on the loop: every other connection the
/// loop serves (health checks, `/metrics`, other clients) would get no answer, not even be read, until it ends.
@Suite struct CSVImportLoopTests {
    @Test func healthChecksOnTheImportsLoopAreAnsweredWhileItIsParsed() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        // One loop, so the two connections share it (with the default group of one loop per core, every
        // other connection does).
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let router = APIServer.makeRouter(
            APIDependencies(
                store: Store(pool: fixture.apiPool), keys: KeyDirectory(pool: fixture.apiPool), keyCacheLifetime: .zero,
                metrics: PrometheusCollectorRegistry()))
        let app = Application(
            router: router, server: .http1OnConnectionLoops(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), eventLoopGroupProvider: .shared(group),
            logger: APIFixture.quietLogger)
        // Every record is read before the header is refused (it names no known column): parsing, no writing.
        let line = "\"a quoted field, with a comma\",and a second field of some length\r\n"
        let csv = "nothing,known\r\n" + String(repeating: line, count: 100_000)
        let importing = Flag()
        // The clients on a thread of their own: the global pool, busy with other tests (and with the parse
        // itself), would otherwise delay the test's own timing of each health check.
        let clients = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let (status, importTime, worstHealth) = try await app.test(.live) { client in
            let port = try #require(client.port)
            let start = ContinuousClock.now
            let upload = Task {
                defer { importing.done.store(true, ordering: .releasing) }
                return try await TestClient.withClient(
                    host: "127.0.0.1", port: port, eventLoopGroupProvider: .shared(clients)
                ) {
                    try await $0.execute(
                        .init(
                            "/v1/orgs/\(org)/imports/leaders", method: .post,
                            headers: [.authorization: "Bearer \(key)", .contentType: "text/csv"],
                            body: ByteBuffer(string: csv))
                    ).status
                }
            }
            let worst = try await withTaskExecutorPreference(EventLoopTaskExecutor(clients.next())) {
                try await TestClient.withClient(
                    host: "127.0.0.1", port: port, eventLoopGroupProvider: .shared(clients)
                ) { health in
                    var worst = Duration.zero
                    while !importing.done.load(ordering: .acquiring) {
                        let asked = ContinuousClock.now
                        #expect(try await health.execute(.init("/healthz", method: .get)).status == .ok)
                        worst = max(worst, ContinuousClock.now - asked)
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return worst
                }
            }
            return (try await upload.value, ContinuousClock.now - start, worst)
        }
        try await group.shutdownGracefully()
        try await clients.shutdownGracefully()
        #expect(status == .unprocessableContent)
        // Unblocked, a health check takes milliseconds; held behind the parse, most of the import's time.
        #expect(worstHealth < importTime / 2, "import \(importTime), slowest health check \(worstHealth)")
    }
}

private final class Flag: Sendable {
    let done = Atomic<Bool>(false)
}
