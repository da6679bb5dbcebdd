import ConcordAPI
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Repeated failed authentications from one address get 429 problem+json with `Retry-After`, a good key
/// included, until the window has passed; another address is not affected. Over real sockets: the second
/// client is curl bound to 127.0.0.2.
@Suite struct FailedAuthLimitTests {
    @Test func repeatedFailuresFromOneAddressAreLimited() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let good = try await fixture.key(for: org).secret
        let revoked = try await fixture.key(for: org)
        #expect(try await fixture.provisioning.revokeKey(id: revoked.id))
        // A long window, so a slow machine cannot age the failures out mid-test; the test moves time on instead.
        let skipped = Skipped()
        let limiter = FailedAuthLimiter(limit: 3, window: .seconds(60)) { .now + skipped.duration }
        try await fixture.application(authFailures: limiter).test(.live) { client in
            let port = try #require(client.port)
            let bad = ["concord_" + String(repeating: "0", count: 64), revoked.secret, nil]
            let firstFailure = ContinuousClock.now
            for key in bad {
                let refused = try await client.send(.get, "/v1/orgs", key: key)
                #expect(refused.status == .unauthorized)
            }
            for key in [bad[0], good] {
                let limited = try await client.send(.get, "/v1/orgs", key: key)
                #expect(limited.status == .tooManyRequests, "\(limited.text)")
                #expect(limited.headers[.contentType] == "application/problem+json")
                #expect(limited.json["status"] as? Int == 429)
                let wait = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
                #expect((1...61).contains(wait))
            }
            // Public routes need no key and are not limited.
            #expect(try await client.send(.get, "/healthz").status == .ok)

            // Another address: its good key works and its failures are its own.
            let other = try await Self.curl(port: port, key: good, from: "127.0.0.2")
            #expect(other == 200)
            #expect(try await Self.curl(port: port, key: "concord_nope", from: "127.0.0.2") == 401)

            // Still limited a moment before the window has passed since the failures; heard again after.
            skipped.duration = .seconds(55) - (ContinuousClock.now - firstFailure)
            #expect(try await client.send(.get, "/v1/orgs", key: good).status == .tooManyRequests)
            skipped.duration = .seconds(3600)
            let again = try await client.send(.get, "/v1/orgs", key: good)
            #expect(again.status == .ok, "\(again.text)")
        }
    }

    /// The status curl got for `GET /v1/orgs` with `key`, sent from the local address `from`.
    static func curl(port: Int, key: String, from address: String) async throws -> Int {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("concord-curl-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try await SchemathesisTests.run(
            [
                "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", address,
                "-H", "Authorization: Bearer \(key)", "http://127.0.0.1:\(port)/v1/orgs",
            ], in: directory, environment: [:])
        #expect(run.status == 0, "curl: \(run.output)")
        return Int(run.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

/// How far the limiter's clock is ahead of the real one.
final class Skipped: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Duration = .zero

    var duration: Duration {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
