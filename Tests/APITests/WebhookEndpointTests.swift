import ConcordDomain
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Webhook endpoints through the API: a URL leading into the operator's network is refused with 422 naming
/// `url`, on create and on update, unless the allow-list names it; the secret is shown once.
@Suite struct WebhookEndpointTests {
    @Test func internalAddressesAreRefusedUnlessAllowed() async throws {
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        let base = "/v1/orgs/\(org)/webhook-endpoints"
        try await fixture.application().test(.live) { client in
            for url in [
                "http://127.0.0.1:8081/metrics", "http://localhost/", "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.5/", "http://192.168.1.1/", "http://172.16.0.1/", "http://[::1]/", "http://[fd00::1]/",
                "http://[fe80::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/",
                "http://0.0.0.0/",
                "http://224.0.0.1/", "http://2130706433/", "http://0x7f000001/", "ftp://93.184.216.34/", "not a url",
                "http:///nohost",
            ] {
                let refused = try await client.send(.post, base, key: key, json: #"{"url":"\#(url)"}"#)
                #expect(refused.status == .unprocessableContent, "\(url): \(refused.text)")
                #expect(MalformedInputTests.fields(refused) == ["url"], "\(url): \(refused.text)")
            }
            let created = try await client.send(
                .post, base, key: key, json: #"{"url":"https://93.184.216.34/hooks","kind":"webhook"}"#)
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json["secret"] as? String)
            #expect(secret.count == "whsec_".count + 64)
            let endpoint = try #require(created.json["endpoint"] as? [String: Any])
            #expect(endpoint["secret_count"] as? Int == 1)
            let path = "\(base)/\(try #require(endpoint["id"] as? String))"
            let moved = try await client.send(
                .patch, path, key: key, json: #"{"url":"http://169.254.169.254/"}"#, headers: [.ifMatch: "\"1\""])
            #expect(moved.status == .unprocessableContent, "\(moved.text)")
            let read = try await client.send(.get, path, key: key)
            #expect(read.json["url"] as? String == "https://93.184.216.34/hooks")
            #expect(!read.text.contains(secret))
            let deleted = try await client.send(.delete, path, key: key)
            #expect(deleted.status == .noContent)
        }

        // The operator opened loopback: the same URL passes.
        let open = fixture.application(webhookHosts: try WebhookHostPolicy(allowList: "127.0.0.1/32"))
        try await open.test(.live) { client in
            let created = try await client.send(
                .post, base, key: key, json: #"{"url":"http://127.0.0.1:9/hooks","kind":"slack"}"#)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["secret"] == nil || created.json["secret"] is NSNull)
        }
    }
}
