import ConcordSettings
import Foundation

/// The API's settings from environment variables; a bad value stops the process with the variable's name.
public struct APIEnvironment: Sendable {
    public var configuration: APIConfiguration
    public var databaseURL: String
    public var poolSize: Int

    public typealias Invalid = EnvironmentReader.Invalid

    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let reader = EnvironmentReader(environment)
        guard let url = reader.value("CONCORD_API_DATABASE_URL") ?? reader.value("CONCORD_DATABASE_URL") else {
            throw Invalid(variable: "CONCORD_API_DATABASE_URL", reason: "not set (nor CONCORD_DATABASE_URL)")
        }
        databaseURL = url
        poolSize = try reader.integer("CONCORD_API_POOL_SIZE", default: 16, range: 1...500)
        configuration = APIConfiguration(
            host: reader.value("CONCORD_API_HOST") ?? "127.0.0.1",
            port: try reader.integer("CONCORD_API_PORT", default: 8080, range: 0...65535),
            keyCacheLifetime: .seconds(try reader.integer("CONCORD_API_KEY_CACHE_SECONDS", default: 5, range: 0...3600))
        )
    }
}
