import Foundation

/// An alignment gate, an index from 0 to 1, that travels in JSON as a decimal string ("0.8"). Unlike
/// `DecimalString` it takes no JSON number: a number would go through binary floating point on the way
/// (1 + 1e-20 would read as 1), and the document promises strings of exactly this shape.
@propertyWrapper
public struct GateIndexString: Sendable, Hashable, Codable {
    public var wrappedValue: Decimal

    public init(wrappedValue: Decimal) {
        self.wrappedValue = wrappedValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Self.parse(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an index from 0 to 1 like \"0.8\"")
        }
        wrappedValue = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(DecimalString.format(wrappedValue))
    }

    /// "0", "0.75", "1", "1.00" (up to 30 decimals); nothing else.
    static func parse(_ text: String) -> Decimal? {
        guard text.wholeMatch(of: /0(\.[0-9]{1,30})?|1(\.0{1,30})?/) != nil else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

extension GateIndexString: DecimalJSONForm {}

/// A gate that may be absent (JSON `null` or a missing key).
public typealias OptionalGateIndexString = OptionalDecimal<GateIndexString>
