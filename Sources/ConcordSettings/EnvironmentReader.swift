/// Reads settings from environment variables, so that every process refuses a bad value in the same way:
/// by naming the variable and what is wrong with it.
public struct EnvironmentReader: Sendable {
    public let environment: [String: String]

    public init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// A setting that could not be used; the process stops at start with this message.
    public struct Invalid: Error, CustomStringConvertible {
        public let variable: String
        public let reason: String

        public init(variable: String, reason: String) {
            self.variable = variable
            self.reason = reason
        }

        public var description: String { "\(variable): \(reason)" }
    }

    /// The value, or nil when unset or empty.
    public func value(_ name: String) -> String? {
        guard let text = environment[name], !text.isEmpty else { return nil }
        return text
    }

    /// A whole number in `range`, or `fallback` when unset.
    public func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw Invalid(variable: name, reason: "'\(text)' is not a whole number in \(range)")
        }
        return number
    }
}
