import ConcordDomain
import ConcordQueue
import ConcordStore
import Foundation
import Hummingbird
import Logging
import PQ
import Prometheus
import WebhookGuard

/// How the API listens and how long it trusts a key lookup.
public struct APIConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// How long a key lookup is reused; a revoked key is refused at most this long after revocation.
    public var keyCacheLifetime: Duration
    /// Failed authentications a client may have in `authFailureWindow` before it gets 429 (0: no limit).
    public var authFailureLimit: Int
    public var authFailureWindow: Duration
    /// What webhook URLs may lead to besides the public internet.
    public var webhookHosts: WebhookHostPolicy

    public init(
        host: String = "127.0.0.1", port: Int = 8080, keyCacheLifetime: Duration = .seconds(5),
        authFailureLimit: Int = 20, authFailureWindow: Duration = .seconds(60),
        webhookHosts: WebhookHostPolicy = WebhookHostPolicy()
    ) {
        self.webhookHosts = webhookHosts
        self.host = host
        self.port = port
        self.keyCacheLifetime = keyCacheLifetime
        self.authFailureLimit = authFailureLimit
        self.authFailureWindow = authFailureWindow
    }
}

/// What the routes need: the store for tenant data, the key directory, and the key cache.
public struct APIDependencies: Sendable {
    public let store: Store
    public let keys: KeyDirectory
    public let metrics: PrometheusCollectorRegistry
    /// Enqueues worker jobs inside the API's own transactions.
    public let queue: JobQueue
    /// Failed authentications per client, shared by every request of this process.
    public let authFailures: FailedAuthLimiter
    /// Where a webhook endpoint may point.
    public let webhookGuard: WebhookURLGuard
    let cache: KeyCache

    public init(
        store: Store, keys: KeyDirectory, keyCacheLifetime: Duration,
        metrics: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry,
        authFailures: FailedAuthLimiter = FailedAuthLimiter(),
        webhookHosts: WebhookHostPolicy = WebhookHostPolicy()
    ) {
        self.webhookGuard = WebhookURLGuard(policy: webhookHosts)
        self.store = store
        self.keys = keys
        self.metrics = metrics
        self.queue = JobQueue(pool: store.pool)
        self.authFailures = authFailures
        self.cache = KeyCache(directory: keys, lifetime: keyCacheLifetime)
    }
}

/// Builds the Hummingbird application: middleware, public routes, and the authenticated `/v1` routes.
public enum APIServer {
    public static func application(
        configuration: APIConfiguration, pool: ConnectionPool, logger: Logger
    ) -> some ApplicationProtocol {
        let dependencies = APIDependencies(
            store: Store(pool: pool), keys: KeyDirectory(pool: pool), keyCacheLifetime: configuration.keyCacheLifetime,
            authFailures: FailedAuthLimiter(
                limit: configuration.authFailureLimit, window: configuration.authFailureWindow),
            webhookHosts: configuration.webhookHosts)
        let router = makeRouter(dependencies)
        return Application(
            router: router, server: .http1OnConnectionLoops(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "concord"),
            logger: logger)
    }

    public static func makeRouter(_ dependencies: APIDependencies) -> Router<ConcordRequestContext> {
        let router = Router(context: ConcordRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(
            middleware: RequestMetricsMiddleware(factory: PrometheusMetricsFactory(registry: dependencies.metrics)))
        router.add(middleware: ProblemMiddleware())
        HealthRoutes(pool: dependencies.store.pool).register(on: router)
        MetricsRoutes(registry: dependencies.metrics, pool: dependencies.store.pool).register(on: router)
        AnswerRoutes(dependencies: dependencies).register(on: router)
        OpenAPIRoutes().register(on: router)
        let v1 = router.group("v1").add(
            middleware: AuthMiddleware(cache: dependencies.cache, failures: dependencies.authFailures))
        OrganisationRoutes(dependencies: dependencies).register(on: v1)
        AreaRoutes(dependencies: dependencies).register(on: v1)
        LeaderRoutes(dependencies: dependencies).register(on: v1)
        InitiativeRoutes(dependencies: dependencies).register(on: v1)
        AlignmentGateRoutes(dependencies: dependencies).register(on: v1)
        SkillRoutes(dependencies: dependencies).register(on: v1)
        AssessmentFrameworkRoutes(dependencies: dependencies).register(on: v1)
        AssessmentRoutes(dependencies: dependencies).register(on: v1)
        RatingRoutes(dependencies: dependencies).register(on: v1)
        GoalTreeRoutes(dependencies: dependencies).register(on: v1)
        PictureRoutes(dependencies: dependencies).register(on: v1)
        ProgrammeRoutes(dependencies: dependencies).register(on: v1)
        CSVRoutes(dependencies: dependencies).register(on: v1)
        PortfolioRoutes(dependencies: dependencies).register(on: v1)
        WebhookEndpointRoutes(dependencies: dependencies).register(on: v1)
        ReadinessRoutes(dependencies: dependencies).register(on: v1)
        // Last, so it wraps only the router's answer for requests no route took.
        router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
        return router
    }
}
