import Foundation

/// The API's settings from environment variables; a bad value stops the process with the variable's name.
public struct APIEnvironment: Sendable {
    public var configuration: APIConfiguration
    public var databaseURL: String
    public var poolSize: Int

    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let reason: String
        public var description: String { "\(variable): \(reason)" }
    }

    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw Invalid(variable: name, reason: "'\(text)' is not a whole number in \(range)")
            }
            return number
        }
        guard let url = value("CONCORD_API_DATABASE_URL") ?? value("CONCORD_DATABASE_URL") else {
            throw Invalid(variable: "CONCORD_API_DATABASE_URL", reason: "not set (nor CONCORD_DATABASE_URL)")
        }
        databaseURL = url
        poolSize = try integer("CONCORD_API_POOL_SIZE", default: 16, range: 1...500)
        configuration = APIConfiguration(
            host: value("CONCORD_API_HOST") ?? "127.0.0.1",
            port: try integer("CONCORD_API_PORT", default: 8080, range: 0...65535),
            keyCacheLifetime: .seconds(try integer("CONCORD_API_KEY_CACHE_SECONDS", default: 5, range: 0...3600)))
    }
}
