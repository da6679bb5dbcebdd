import Foundation
import UUIDText

/// A Swift value that can be bound as a query parameter.
///
/// Parameters go in the text format with their type left to the server to infer from the statement
/// (or from an explicit cast such as `$1::uuid`), which lets one Swift type serve several column types.
public protocol PostgresEncodable: Sendable {
    /// The text the server parses, or nil for NULL.
    func postgresText() throws -> String?
    /// Whether the text can stand in an array literal without quotes: it never holds a comma, brace, quote,
    /// backslash or space, and never spells NULL (numbers do not).
    static var isBareInArrays: Bool { get }
}

extension PostgresEncodable {
    public static var isBareInArrays: Bool { false }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var isBareInArrays: Bool { Wrapped.isBareInArrays }

    public func postgresText() throws -> String? {
        guard let value = self else { return nil }
        return try value.postgresText()
    }
}

extension String {
    /// PostgreSQL text cannot hold U+0000. Checked on the scalars: `contains("\u{0}")` compares grapheme
    /// clusters and misses a NUL that a following combining mark or modifier joins to.
    public var containsNUL: Bool { utf8.contains(0) }
}

extension String: PostgresEncodable {
    public func postgresText() throws -> String? {
        // libpq passes text parameters as C strings: a NUL would silently cut the value short.
        if containsNUL {
            throw PostgresError(.encoding, message: "text values cannot contain NUL bytes")
        }
        return self
    }
}

extension Bool: PostgresEncodable {
    public func postgresText() -> String? { self ? "t" : "f" }
}

extension Int: PostgresEncodable {
    public static var isBareInArrays: Bool { true }
    public func postgresText() -> String? { String(self) }
}
extension Int16: PostgresEncodable {
    public static var isBareInArrays: Bool { true }
    public func postgresText() -> String? { String(self) }
}
extension Int32: PostgresEncodable {
    public static var isBareInArrays: Bool { true }
    public func postgresText() -> String? { String(self) }
}
extension Int64: PostgresEncodable {
    public static var isBareInArrays: Bool { true }
    public func postgresText() -> String? { String(self) }
}

extension Double: PostgresEncodable {
    public func postgresText() -> String? {
        if isNaN { return "NaN" }
        if isInfinite { return self > 0 ? "Infinity" : "-Infinity" }
        return "\(self)"
    }
}

extension UUID: PostgresEncodable {
    public func postgresText() -> String? { UUIDText.string(self) }
}

extension Date: PostgresEncodable {
    public func postgresText() -> String? { PostgresTime.text(for: self) }
}

extension Decimal: PostgresEncodable {
    public func postgresText() throws -> String? {
        if isNaN { throw PostgresError(.encoding, message: "NaN is not an exact decimal") }
        return description
    }
}

extension PostgresJSON: PostgresEncodable {
    public func postgresText() throws -> String? {
        do {
            return String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
        } catch {
            throw PostgresError(.encoding, message: "cannot encode \(Value.self) as JSON: \(error)")
        }
    }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// An array literal with every element quoted, so commas, braces and quotes inside values stay data;
    /// numbers go bare, since they can hold none of those.
    ///
    /// Written as UTF-8 bytes in one buffer: a quote or backslash is one byte in UTF-8, never part of another
    /// character, so escaping byte by byte is exact. Appending scalar by scalar to a `String`, through
    /// `enumerated()` (whose tuples this generic code looked up at run time for every element), was three
    /// quarters of the queue benchmark's producer CPU and 7% of a worker's (`Benchmarks/queue`).
    public func postgresText() throws -> String? {
        let bare = Element.isBareInArrays
        var bytes: [UInt8] = [UInt8(ascii: "{")]
        bytes.reserveCapacity(count * (bare ? 8 : 24) + 2)
        var first = true
        for element in self {
            if first {
                first = false
            } else {
                bytes.append(UInt8(ascii: ","))
            }
            guard let item = try element.postgresText() else {
                bytes.append(contentsOf: "NULL".utf8)
                continue
            }
            if bare {
                bytes.append(contentsOf: item.utf8)
                continue
            }
            bytes.append(UInt8(ascii: "\""))
            for byte in item.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { bytes.append(UInt8(ascii: "\\")) }
                bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
