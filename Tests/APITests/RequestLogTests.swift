import ConcordAPI
import ConcordLogging
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// With JSON logs, every line a request writes is one JSON object carrying the request's id, ending with an
/// access line; the one-time token of an answer link stays out of the log.
@Suite struct RequestLogTests {
    @Test func aRequestsLinesAreJSONWithItsID() async throws {
        let fixture = try await APIFixture.make()
        let lines = CapturedLines()
        let logger = Logger(label: "concord-api") { LineLogHandler(label: $0, format: .json, sink: lines.sink) }
        let router = APIServer.makeRouter(
            APIDependencies(
                store: Store(pool: fixture.apiPool), keys: KeyDirectory(pool: fixture.apiPool), keyCacheLifetime: .zero)
        )
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            let ok = try await client.send(.get, "/healthz", headers: [requestIDHeader: "req-one"])
            #expect(ok.status == .ok)
            let refused = try await client.send(.get, "/v1/orgs", headers: [requestIDHeader: "req-two"])
            #expect(refused.status == .unauthorized)
            _ = try await client.send(.get, "/answer/secret-token-value")
        }

        let objects = try lines.objects()
        let first = objects.filter { $0["request_id"] as? String == "req-one" }
        let access = try #require(first.first { $0["message"] as? String == "request" })
        #expect(access["path"] as? String == "/healthz")
        #expect(access["status"] as? String == "200")
        #expect(access["level"] as? String == "info")
        #expect(access["ts"] is String)
        let second = objects.filter { $0["request_id"] as? String == "req-two" }
        #expect(second.contains { $0["status"] as? String == "401" })
        #expect(!lines.text.contains("secret-token-value"))
    }
}

private let requestIDHeader = HTTPField.Name("X-Request-ID")!

/// Log lines captured in memory.
final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []

    var sink: LogSink { LogSink { line in self.lock.withLock { self.lines.append(line) } } }

    var text: String { lock.withLock { lines.map { String(decoding: $0, as: UTF8.self) }.joined() } }

    /// Every line as a JSON object; throws if one is not.
    func objects() throws -> [[String: Any]] {
        try lock.withLock { lines }.map { line in
            guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw CocoaError(.coderInvalidValue)
            }
            return object
        }
    }
}
