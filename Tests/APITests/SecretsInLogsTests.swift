import ConcordAPI
import ConcordLogging
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// API keys (good, unknown, revoked, malformed) and nudge answer tokens (good, used, unknown) appear in no
/// log line, in either log format at the most talkative level, and in no response body but the answer page
/// itself (whose form posts back to its own link).
@Suite struct SecretsInLogsTests {
    @Test(arguments: [LogSettings.Format.json, .text])
    func secretsStayOutOfLogsAndErrors(_ format: LogSettings.Format) async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let seed = try await PageSeed.make(fixture)
        let revoked = try await fixture.key(for: seed.org)
        #expect(try await fixture.provisioning.revokeKey(id: revoked.id))
        let token = try await seed.nudge()
        let unknownKey = "concord_" + String(repeating: "7", count: 64)
        let unknownToken = NudgeToken.generate().value
        let lines = CapturedLines()
        let settings = LogSettings(format: format, level: .trace)
        let logger = Logger(label: "concord-api") { settings.handler(label: $0, sink: lines.sink) }
        let app = fixture.application(authFailures: FailedAuthLimiter(limit: 4, window: .seconds(60)), logger: logger)
        let (bodies, webhookSecret) = try await app.test(.live) { client -> ([String], String) in
            var bodies: [String] = []
            let base = "/v1/orgs/\(seed.org)"
            for (method, path, json) in [
                (HTTPRequest.Method.get, "/v1/orgs", nil), (.get, "\(base)/areas", nil),
                (.post, "\(base)/areas", #"{"name":"#), (.post, "\(base)/areas", #"{"name":5}"#),
                (.get, "\(base)/areas/\(UUID())", nil), (.delete, "\(base)/areas", nil),
            ] as [(HTTPRequest.Method, String, String?)] {
                bodies.append(try await client.send(method, path, key: seed.key, json: json).text)
            }
            // A webhook's secret is shown once, in the create's answer, and nowhere after.
            let created = try await client.send(
                .post, "\(base)/webhook-endpoints", key: seed.key, json: #"{"url":"https://93.184.216.34/hooks"}"#)
            #expect(created.status == .created, "\(created.text)")
            let webhookSecret = try #require(created.json["secret"] as? String)
            let endpoint = try #require((created.json["endpoint"] as? [String: Any])?["id"] as? String)
            let endpointPath = "\(base)/webhook-endpoints/\(endpoint)"
            for (method, path, json, headers) in [
                (HTTPRequest.Method.get, "\(base)/webhook-endpoints", nil, [:]), (.get, endpointPath, nil, [:]),
                (.patch, endpointPath, #"{"enabled":false}"#, [.ifMatch: "\"1\""]),
                (.patch, endpointPath, #"{"url":"http://10.0.0.1/x"}"#, [.ifMatch: "\"2\""]),
                (.patch, endpointPath, #"{"url":"https://93.184.216.34/other"}"#, [.ifMatch: "\"1\""]),
                (.post, "\(base)/webhook-endpoints", #"{"url":"http://127.0.0.1/"}"#, [:]),
            ] as [(HTTPRequest.Method, String, String?, HTTPFields)] {
                bodies.append(try await client.send(method, path, key: seed.key, json: json, headers: headers).text)
            }

            let answered = try await client.send(
                .post, "/answer/\(token.value)", json: #"{"priority":2,"buy_in":"aware"}"#)
            #expect(answered.status == .created, "\(answered.text)")
            bodies.append(answered.text)
            for (method, json) in [(HTTPRequest.Method.post, #"{"priority":3}"#), (.get, nil), (.post, #"{"#)] {
                bodies.append(try await client.send(method, "/answer/\(token.value)", json: json).text)
                bodies.append(try await client.send(method, "/answer/\(unknownToken)", json: json).text)
            }

            for key in [unknownKey, revoked.secret, seed.key + "x", "\(seed.key) \(seed.key)"] {
                bodies.append(try await client.send(.get, "/v1/orgs", key: key).text)
            }
            // Limited by now (four failures): the good key gets 429.
            let limited = try await client.send(.get, "/v1/orgs", key: seed.key)
            #expect(limited.status == .tooManyRequests)
            bodies.append(limited.text)
            return (bodies, webhookSecret)
        }

        #expect(webhookSecret.hasPrefix("whsec_"))
        let secrets = [seed.key, unknownKey, revoked.secret, token.value, unknownToken, webhookSecret]
        let logged = lines.text
        #expect(!logged.isEmpty)
        #expect(logged.contains("request"), "the access lines were captured")
        for secret in secrets {
            #expect(!logged.contains(secret), "\(format) log holds a secret:\n\(logged)")
            for body in bodies { #expect(!body.contains(secret), "a response holds a secret: \(body)") }
            // Nor a recognisable piece of one (a log line cut short, a prefix shown "for debugging").
            #expect(!logged.contains(String(secret.suffix(24))))
        }
        if format == .json { _ = try lines.objects() }
    }
}
