import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Keys over a real HTTP socket: missing, wrong, revoked, scoped, and organisation walls.
@Suite struct AuthTests {
    @Test func healthAndReadinessNeedNoKey() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.application().test(.live) { client in
            let health = try await client.send(.get, "/healthz")
            #expect(health.status == .ok)
            let ready = try await client.send(.get, "/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json["status"] as? String == "ready")
            #expect(ready.headers[HTTPField.Name("X-Request-ID")!] != nil)
        }
    }

    @Test func requestsWithoutAValidKeyGetProblemJSON401() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.application().test(.live) { client in
            for key in [nil, "concord_not-a-real-key", ""] as [String?] {
                let response = try await client.send(.get, "/v1/orgs", key: key)
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(response.json["status"] as? Int == 401)
                #expect(response.json["title"] as? String == "Unauthorized")
            }
        }
    }

    @Test func aRevokedKeyIsRefused() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org)
        try await fixture.application().test(.live) { client in
            let before = try await client.send(.get, "/v1/orgs", key: key.secret)
            #expect(before.status == .ok)
            let revoked = try await fixture.provisioning.revokeKey(id: key.id)
            #expect(revoked)
            let after = try await client.send(.get, "/v1/orgs", key: key.secret)
            #expect(after.status == .unauthorized)
        }
    }

    @Test func anOrganisationKeySeesOnlyItsOrganisation() async throws {
        let fixture = try await APIFixture.make()
        let acme = try await fixture.createOrganisation("Acme")
        let globex = try await fixture.createOrganisation("Globex")
        let key = try await fixture.key(for: acme, scopes: [.read])
        let consultancy = try await fixture.consultancyKey(granted: [globex])
        try await fixture.application().test(.live) { client in
            let own = try await client.send(.get, "/v1/orgs", key: key.secret)
            let ownIDs = (own.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ownIDs == [acme.uuidString])
            let granted = try await client.send(.get, "/v1/orgs", key: consultancy)
            let grantedIDs = (granted.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(grantedIDs == [globex.uuidString])
        }
    }

    @Test func unknownRoutesAnswerProblemJSON404() async throws {
        let fixture = try await APIFixture.make()
        try await fixture.application().test(.live) { client in
            let response = try await client.send(.get, "/no/such/route")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }
}
