import Foundation

/// A Swift type that can be read from a result column in binary format.
public protocol PostgresDecodable {
    static func decode(from cell: PostgresCell) throws -> Self
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Wrapped? {
        guard cell.bytes != nil else { return nil }
        return try Wrapped.decode(from: cell)
    }
}

extension Bool: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Bool {
        let bytes = try cell.requireBytes(Self.self)
        guard cell.type == .bool, bytes.count == 1 else { throw cell.mismatch(Self.self) }
        return bytes[0] != 0
    }
}

/// Reads any of int2, int4, int8 (and oid) and narrows with a range check.
private func decodeInteger<T: FixedWidthInteger>(_ cell: PostgresCell, as _: T.Type) throws -> T {
    let bytes = try cell.requireBytes(T.self)
    let wide: Int64
    switch (cell.type, bytes.count) {
    case (.int2, 2): wide = Int64(bytes.readBigEndian(Int16.self, at: 0))
    case (.int4, 4): wide = Int64(bytes.readBigEndian(Int32.self, at: 0))
    case (.oid, 4): wide = Int64(bytes.readBigEndian(UInt32.self, at: 0))
    case (.int8, 8): wide = bytes.readBigEndian(Int64.self, at: 0)
    default: throw cell.mismatch(T.self)
    }
    guard let value = T(exactly: wide) else { throw cell.mismatch(T.self, reason: "\(wide) is out of range") }
    return value
}

extension Int: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int { try decodeInteger(cell, as: Int.self) }
}
extension Int16: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int16 { try decodeInteger(cell, as: Int16.self) }
}
extension Int32: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int32 { try decodeInteger(cell, as: Int32.self) }
}
extension Int64: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Int64 { try decodeInteger(cell, as: Int64.self) }
}

extension Double: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Double {
        let bytes = try cell.requireBytes(Self.self)
        switch (cell.type, bytes.count) {
        case (.float8, 8): return Double(bitPattern: bytes.readBigEndian(UInt64.self, at: 0))
        case (.float4, 4): return Double(Float(bitPattern: bytes.readBigEndian(UInt32.self, at: 0)))
        default: throw cell.mismatch(Self.self)
        }
    }
}

extension String: PostgresDecodable {
    private static let textTypes: Set<TypeOID> = [.text, .varchar, .bpchar, .name, .char, .unknown, .json]

    public static func decode(from cell: PostgresCell) throws -> String {
        let bytes = try cell.requireBytes(Self.self)
        if textTypes.contains(cell.type) { return String(decoding: bytes, as: UTF8.self) }
        if cell.type == .jsonb, bytes.first == 1 {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes.dropFirst()), as: UTF8.self)
        }
        throw cell.mismatch(Self.self, reason: "cast the column to text in SQL")
    }
}

extension UUID: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> UUID {
        let bytes = try cell.requireBytes(Self.self)
        guard cell.type == .uuid, bytes.count == 16 else { throw cell.mismatch(Self.self) }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        return UUID(uuid: raw)
    }
}

extension Date: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Date {
        let bytes = try cell.requireBytes(Self.self)
        switch (cell.type, bytes.count) {
        case (.timestamptz, 8), (.timestamp, 8):
            let micros = bytes.readBigEndian(Int64.self, at: 0)
            if micros == .max { return .distantFuture }
            if micros == .min { return .distantPast }
            return PostgresTime.date(fromMicroseconds: micros)
        case (.date, 4):
            let days = bytes.readBigEndian(Int32.self, at: 0)
            if days == .max { return .distantFuture }
            if days == .min { return .distantPast }
            return PostgresTime.date(fromMicroseconds: Int64(days) * 86_400_000_000)
        default:
            throw cell.mismatch(Self.self)
        }
    }
}

extension Decimal: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> Decimal {
        let bytes = try cell.requireBytes(Self.self)
        guard cell.type == .numeric else {
            if cell.type == .int2 || cell.type == .int4 || cell.type == .int8 {
                return Decimal(try Int64.decode(from: cell))
            }
            throw cell.mismatch(Self.self)
        }
        do {
            return try NumericCoding.decimal(fromBinary: bytes)
        } catch let reason as NumericCoding.Failure {
            throw cell.mismatch(Self.self, reason: reason.text)
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> [Element] {
        let bytes = try cell.requireBytes(Self.self)
        guard cell.type.arrayElement != nil else { throw cell.mismatch(Self.self) }
        return try ArrayCoding.decode(bytes, cell: cell) { try Element.decode(from: $0) }
    }
}

/// A `json` or `jsonb` column decoded through Codable, or a Codable value bound as JSON.
public struct PostgresJSON<Value: Codable & Sendable>: Sendable {
    public var value: Value
    public init(_ value: Value) { self.value = value }
}

extension PostgresJSON: PostgresDecodable {
    public static func decode(from cell: PostgresCell) throws -> PostgresJSON<Value> {
        let text = try String.decode(from: cell)
        guard cell.type == .json || cell.type == .jsonb else { throw cell.mismatch(Self.self) }
        do {
            return PostgresJSON(try JSONDecoder().decode(Value.self, from: Data(text.utf8)))
        } catch {
            throw cell.mismatch(Self.self, reason: "\(error)")
        }
    }
}
