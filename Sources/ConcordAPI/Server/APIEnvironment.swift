import ConcordDomain
import ConcordSettings
import Foundation
import WebhookGuard

/// The API's settings; a bad value stops the process with the variable's name.
public struct APIEnvironment: Sendable {
    public var configuration: APIConfiguration
    public var databaseURL: String
    public var poolSize: Int

    public typealias Invalid = InvalidSetting

    public init(_ settings: Settings) throws {
        guard let url = try settings.string("api.database_url") ?? settings.string("database_url") else {
            throw Invalid(variable: "CONCORD_API_DATABASE_URL", reason: "not set (nor CONCORD_DATABASE_URL)")
        }
        databaseURL = url
        poolSize = try settings.integer("api.pool_size", default: 16, range: 1...500)
        configuration = APIConfiguration(
            host: try settings.string("api.host") ?? "127.0.0.1",
            port: try settings.integer("api.port", default: 8080, range: 0...65535),
            keyCacheLifetime: .seconds(try settings.integer("api.key_cache_seconds", default: 5, range: 0...3600)),
            authFailureLimit: try settings.integer("api.auth_failure_limit", default: 20, range: 0...100_000),
            authFailureWindow: .seconds(
                try settings.integer("api.auth_failure_window_seconds", default: 60, range: 1...86_400)),
            webhookHosts: try WebhookHostPolicy(settings)
        )
    }

    /// Reads the settings from `environment` (and the files it names).
    public static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Self
    {
        try Self(await Settings.load(environment))
    }
}
