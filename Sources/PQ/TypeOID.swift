/// PostgreSQL type OIDs the wrapper encodes and decodes (from `pg_type.dat`; stable across versions).
public struct TypeOID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static let unspecified = TypeOID(0)
    public static let bool = TypeOID(16)
    public static let bytea = TypeOID(17)
    public static let char = TypeOID(18)
    public static let name = TypeOID(19)
    public static let int8 = TypeOID(20)
    public static let int2 = TypeOID(21)
    public static let int4 = TypeOID(23)
    public static let text = TypeOID(25)
    public static let oid = TypeOID(26)
    public static let json = TypeOID(114)
    public static let float4 = TypeOID(700)
    public static let float8 = TypeOID(701)
    public static let unknown = TypeOID(705)
    public static let bpchar = TypeOID(1042)
    public static let varchar = TypeOID(1043)
    public static let date = TypeOID(1082)
    public static let timestamp = TypeOID(1114)
    public static let timestamptz = TypeOID(1184)
    public static let numeric = TypeOID(1700)
    public static let uuid = TypeOID(2950)
    public static let jsonb = TypeOID(3802)

    public var description: String {
        switch rawValue {
        case 16: return "bool"
        case 17: return "bytea"
        case 18: return "char"
        case 19: return "name"
        case 20: return "int8"
        case 21: return "int2"
        case 23: return "int4"
        case 25: return "text"
        case 26: return "oid"
        case 114: return "json"
        case 700: return "float4"
        case 701: return "float8"
        case 705: return "unknown"
        case 1042: return "bpchar"
        case 1043: return "varchar"
        case 1082: return "date"
        case 1114: return "timestamp"
        case 1184: return "timestamptz"
        case 1700: return "numeric"
        case 2950: return "uuid"
        case 3802: return "jsonb"
        default:
            if let element = arrayElement { return "\(element)[]" }
            return "oid \(rawValue)"
        }
    }

    /// Array types and their elements, for binary array decoding.
    static let arrayElements: [UInt32: TypeOID] = [
        1000: .bool, 1001: .bytea, 1002: .char, 1003: .name, 1005: .int2, 1007: .int4, 1009: .text, 1014: .bpchar,
        1015: .varchar, 1016: .int8, 1021: .float4, 1022: .float8, 1182: .date, 1115: .timestamp,
        1185: .timestamptz, 1231: .numeric, 2951: .uuid, 199: .json, 3807: .jsonb,
    ]

    /// The element type when this is an array type.
    public var arrayElement: TypeOID? { Self.arrayElements[rawValue] }
}
