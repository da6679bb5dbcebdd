import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import PQ
import Prometheus
import Synchronization
import Testing

@testable import ConcordAPI

/// What happens to a connection's task, pinned to its event loop (`http1OnConnectionLoops`), when its client
/// hangs up mid-query, when the server shuts down gracefully, and when a handler works long without awaiting;
/// and whether `RequestMetricsMiddleware` counts each request once and always gives back the active gauge.
@Suite struct EventLoopPinningReviewTests {
    /// A client that hangs up while its request waits for the database: the handler still gets the answer, on
    /// a loop's thread, and returns; the request is counted once and the active-requests gauge is back at 0.
    @Test func aRequestWhoseClientHangsUpMidQueryFinishesOnItsLoopAndIsCounted() async throws {
        let database = try await TestDatabase.shared.create()
        let pool = database.pool()
        let registry = PrometheusCollectorRegistry()
        let events = AsyncStream<String>.makeStream()
        let router = Router()
        router.add(middleware: RequestMetricsMiddleware(factory: PrometheusMetricsFactory(registry: registry)))
        router.get("slow") { _, _ -> String in
            events.continuation.yield("started")
            try await pool.withConnection { try await $0.query("SELECT pg_sleep(0.5)") }
            events.continuation.yield(
                MultiThreadedEventLoopGroup.currentEventLoop == nil ? "off the loop" : "on a loop")
            return "done"
        }
        let app = Application(
            router: router, server: .http1OnConnectionLoops(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: APIFixture.quietLogger)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let leaving = TestClient(host: "127.0.0.1", port: port)
            leaving.connect()
            try await leaving.executeAndDontWaitForResponse(.init("/slow", method: .get))
            var iterator = events.stream.makeAsyncIterator()
            #expect(await iterator.next() == "started")
            try await leaving.shutdown()
            #expect(await iterator.next() == "on a loop")
            let settled = await Self.poll {
                let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
                return Self.value(in: text, "hb_requests{", "http_route=\"/slow\"", "code=\"200\"") == 1
                    && Self.value(in: text, "http_server_active_requests{", "method=\"GET\"") == 0
            }
            #expect(settled, "\(String(decoding: registry.emitToBuffer(), as: UTF8.self))")
        }
        await pool.close()
    }

    /// SIGTERM's path (ServiceLifecycle's graceful shutdown, as the `.live` test ends): a request waiting for
    /// the database when it starts still gets its whole answer, an idle keep-alive connection is closed, and
    /// the server then returns (within the time limit, or the test fails).
    @Test(.timeLimit(.minutes(1))) func gracefulShutdownFinishesTheRequestInFlightAndReturns() async throws {
        let database = try await TestDatabase.shared.create()
        let pool = database.pool()
        let started = AsyncStream<Void>.makeStream()
        let router = Router()
        router.get("slow") { _, _ -> String in
            started.continuation.yield()
            try await pool.withConnection { try await $0.query("SELECT pg_sleep(0.5)") }
            return "done"
        }
        router.get("fast") { _, _ in "fast" }
        let app = Application(
            router: router, server: .http1OnConnectionLoops(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: APIFixture.quietLogger)
        // `test` triggers the graceful shutdown once this closure returns, and returns when the server has.
        let (request, idle) = try await app.test(.live) { client in
            let port = try #require(client.port)
            let idle = TestClient(host: "127.0.0.1", port: port)
            idle.connect()
            #expect(try await idle.execute(.init("/fast", method: .get)).status == .ok)
            let request = Task {
                try await TestClient.withClient(host: "127.0.0.1", port: port) {
                    try await $0.execute(.init("/slow", method: .get))
                }
            }
            var iterator = started.stream.makeAsyncIterator()
            _ = await iterator.next()
            return (request, idle)
        }
        try? await idle.shutdown()
        let response = try await request.value
        #expect(response.status == .ok)
        #expect(response.body.map { String(buffer: $0) } == "done")
        await pool.close()
    }

    /// Requests no route takes (404, 405) are counted once each under "NotFound" (the router's name for them)
    /// with their status, and the active-requests gauge is back at 0 after them.
    @Test func unroutedRequestsAreCountedOnceWithTheirStatus() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let registry = PrometheusCollectorRegistry()
        try await fixture.application(metrics: registry).test(.live) { client in
            let unknown = try await client.execute(uri: "/nowhere", method: .get)
            let wrongMethod = try await client.execute(uri: "/healthz", method: .delete)
            #expect(unknown.status == .notFound)
            #expect(wrongMethod.status == .methodNotAllowed)
            let text = String(decoding: registry.emitToBuffer(), as: UTF8.self)
            #expect(Self.value(in: text, "hb_requests{", "route=\"NotFound\"", "method=\"GET\"", "code=\"404\"") == 1)
            #expect(
                Self.value(in: text, "hb_requests{", "route=\"NotFound\"", "method=\"DELETE\"", "code=\"405\"") == 1)
            #expect(Self.value(in: text, "http_server_active_requests{", "method=\"GET\"") == 0)
            #expect(Self.value(in: text, "http_server_active_requests{", "method=\"DELETE\"") == 0)
        }
    }

    /// Request ids drawn from many threads at once (one shared reserve, refilled 4 KiB at a time) are all
    /// version 4, RFC 4122 variant, and never repeat.
    @Test func idsDrawnConcurrentlyAreVersion4AndNeverRepeat() async {
        let ids = await withTaskGroup(of: [UUID].self) { group in
            for _ in 0..<8 { group.addTask { (0..<5_000).map { _ in RandomUUIDs.next() } } }
            return await group.reduce(into: [UUID]()) { $0 += $1 }
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids.filter { $0.uuid.6 >> 4 != 4 || $0.uuid.8 >> 6 != 2 }.isEmpty)
    }

    /// The value of the first sample of `metric` whose line holds every one of `labels`.
    static func value(in text: String, _ metric: String, _ labels: String...) -> Double? {
        let line = text.split(separator: "\n").first { line in
            line.hasPrefix(metric) && labels.allSatisfy { line.contains($0) }
        }
        return line.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// Whether `condition` held within ten seconds: metrics are recorded after the handler returns, which the
    /// test cannot await.
    static func poll(_ condition: () -> Bool) async -> Bool {
        await eventually(within: .seconds(10), every: .milliseconds(20)) { condition() }
    }
}
