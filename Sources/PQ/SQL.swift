import Foundation

/// A statement and its bound parameters.
///
/// Written with string interpolation, every interpolated value becomes a `$n` parameter; no value is ever
/// spliced into the SQL text. Identifiers and other text that must go into the statement itself need the
/// loud `unescaped:` label.
public struct SQL: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var text: String
    public private(set) var parameters: [any PostgresEncodable]

    public init(_ text: String, parameters: [any PostgresEncodable] = []) {
        self.text = text
        self.parameters = parameters
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: Interpolation) {
        self.init(stringInterpolation.text, parameters: stringInterpolation.parameters)
    }

    public struct Interpolation: StringInterpolationProtocol {
        var text = ""
        var parameters: [any PostgresEncodable] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 3)
            parameters.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            parameters.append(value)
            // Not "$\(count)": a nested interpolation costs more than the rest of building the statement.
            text += "$"
            text += String(parameters.count)
        }

        /// Inserts text into the statement as it is; only for trusted, constant fragments.
        public mutating func appendInterpolation(unescaped fragment: String) {
            text += fragment
        }
    }

    /// Appends another statement fragment, renumbering its parameters.
    public mutating func append(_ other: SQL) {
        var renumbered = other.text
        if !other.parameters.isEmpty {
            let offset = parameters.count
            // Replace from the highest number down so "$1" never clobbers "$10".
            for index in stride(from: other.parameters.count, through: 1, by: -1) {
                renumbered = renumbered.replacingOccurrences(of: "$\(index)", with: "$#\(index + offset)")
            }
            renumbered = renumbered.replacingOccurrences(of: "$#", with: "$")
        }
        text += renumbered
        parameters += other.parameters
    }

    public static func + (lhs: SQL, rhs: SQL) -> SQL {
        var result = lhs
        result.append(rhs)
        return result
    }

    /// The statement text only: parameters stay out of logs.
    public var description: String { text }
}
