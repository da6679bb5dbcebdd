/// One setting's names: the key in the config file (`api.pool_size`, nested JSON objects per dot) and the
/// environment variable swift-configuration derives from it (`CONCORD_API_POOL_SIZE`).
public struct SettingName: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let key: String

    public init(_ key: String) {
        self.key = key
    }

    public init(stringLiteral key: String) {
        self.init(key)
    }

    public var variable: String {
        Settings.environmentPrefix + "_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    public var description: String { variable }
}
