import ConcordAPI
import ConcordDomain
import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PQ
import Prometheus

/// A migrated database, the API's router over a pool as `concord_api`, and helpers to provision
/// organisations and keys the way the operator's CLI does (as the owner).
struct APIFixture {
    let database: Database
    let apiPool: ConnectionPool
    let ownerPool: ConnectionPool
    let provisioning: Provisioning

    static func make() async throws -> APIFixture {
        let database = try await TestDatabase.shared.create()
        let owner = database.pool()
        return APIFixture(
            database: database, apiPool: database.pool(user: "concord_api", maxConnections: 8), ownerPool: owner,
            provisioning: Provisioning(pool: owner))
    }

    /// The application; key lookups are not cached, so revocation shows at once. Failed authentications are
    /// not limited unless a test asks (Schemathesis alone sends hundreds of requests without a key).
    func application(
        authFailures: FailedAuthLimiter = FailedAuthLimiter(limit: 0), logger: Logger? = nil,
        webhookHosts: WebhookHostPolicy = WebhookHostPolicy(),
        metrics: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry
    ) -> some ApplicationProtocol {
        let router = APIServer.makeRouter(
            APIDependencies(
                store: Store(pool: apiPool), keys: KeyDirectory(pool: apiPool), keyCacheLifetime: .zero,
                metrics: metrics, authFailures: authFailures, webhookHosts: webhookHosts))
        // The server the API runs (`APIServer.application`): each connection handled on its event loop.
        return Application(
            router: router, server: .http1OnConnectionLoops(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger ?? Self.quietLogger)
    }

    /// Request lines at info would bury a failing test's report at the end of CI's output; warnings still show.
    static var quietLogger: Logger {
        var logger = Logger(label: "concord-api-test")
        logger.logLevel = .warning
        return logger
    }

    /// Gives the connections back: pools live until closed, and the test cluster's slots are shared by every
    /// test of the run.
    func close() async {
        await apiPool.close()
        await ownerPool.close()
    }

    /// An organisation created directly by the owner (the CLI's path).
    func createOrganisation(_ name: String) async throws -> UUID {
        let id = UUID()
        let slug =
            name.lowercased().replacingOccurrences(of: " ", with: "-") + "-"
            + String(id.uuidString.prefix(6)).lowercased()
        try await ownerPool.withConnection { connection in
            try await connection.execute(
                "INSERT INTO organisations (org_id, name, slug, timezone) VALUES (\(id)::uuid, \(name), \(slug), 'Europe/Berlin')"
            )
        }
        return id
    }

    func key(for orgID: UUID, scopes: Set<Scope> = [.admin]) async throws -> (id: UUID, secret: String) {
        let principal = try await provisioning.createPrincipal(name: "key for \(orgID)", orgID: orgID)
        let key = try await provisioning.createKey(principalID: principal, scopes: scopes)
        return (key.id, key.secret.value)
    }

    func consultancyKey(granted: [UUID], scopes: Set<Scope> = [.admin]) async throws -> String {
        let principal = try await provisioning.createPrincipal(name: "consultancy", orgID: nil)
        for org in granted { try await provisioning.grant(principalID: principal, orgID: org) }
        return try await provisioning.createKey(principalID: principal, scopes: scopes).secret.value
    }
}

extension TestClientProtocol {
    /// A request with a bearer key and an optional JSON body.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String? = nil, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]) ?? [:]
    }

    var text: String { String(buffer: body) }
}
