/// A setting that could not be used; the process stops at start with this message.
public struct InvalidSetting: Error, CustomStringConvertible, Sendable {
    /// The environment variable that names the setting (the config file key is derived from it).
    public let variable: String
    public let reason: String

    public init(variable: String, reason: String) {
        self.variable = variable
        self.reason = reason
    }

    public var description: String { "\(variable): \(reason)" }
}
