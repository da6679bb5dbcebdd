import Foundation

/// A `Decimal` that travels in JSON as a string ("1234.50"), so no client or parser ever rounds it through a
/// binary floating-point number. A JSON number is also accepted on input.
@propertyWrapper
public struct DecimalString: Sendable, Hashable, Codable {
    public var wrappedValue: Decimal

    public init(wrappedValue: Decimal) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let value = Self.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not a decimal number like \"1234.50\"")
            }
            wrappedValue = value
        } else {
            let value = try container.decode(Decimal.self)
            // The same bounds as the string form: a number like 1e400 must not arrive as NaN or a huge value
            // (PostgreSQL's numeric would take NaN, and NaN passes every `>= 0` check there).
            guard value.isFinite, abs(value) < Self.limit else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "a decimal number must have at most 30 digits before the point")
            }
            wrappedValue = value
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Self.format(wrappedValue))
    }

    static let limit = Decimal(sign: .plus, exponent: 30, significand: 1)

    /// Plain decimal notation only: an optional minus, digits, an optional fraction.
    static func parse(_ text: String) -> Decimal? {
        guard text.wholeMatch(of: /-?[0-9]{1,30}(\.[0-9]{1,30})?/) != nil else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Decimal's own description: plain notation, a dot, no grouping, whatever the locale.
    static func format(_ value: Decimal) -> String { value.description }
}

/// A decimal wrapper that `OptionalDecimal` can make optional: it reads itself from a single value and writes
/// the value back in its string form.
public protocol DecimalJSONForm: Codable, Sendable, Hashable {
    var wrappedValue: Decimal { get }
}

extension DecimalString: DecimalJSONForm {}

/// As `Form`, for a value that may be absent (JSON `null` or a missing key).
@propertyWrapper
public struct OptionalDecimal<Form: DecimalJSONForm>: Sendable, Hashable, Codable {
    public var wrappedValue: Decimal?

    public init(wrappedValue: Decimal?) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try Form(from: decoder).wrappedValue
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(DecimalString.format(wrappedValue))
        } else {
            try container.encodeNil()
        }
    }
}

/// A decimal string that may be absent.
public typealias OptionalDecimalString = OptionalDecimal<DecimalString>

extension KeyedDecodingContainer {
    /// A missing key is nil, as for any optional property.
    public func decode<Form>(_ type: OptionalDecimal<Form>.Type, forKey key: Key) throws -> OptionalDecimal<Form> {
        try decodeIfPresent(type, forKey: key) ?? OptionalDecimal(wrappedValue: nil)
    }
}
