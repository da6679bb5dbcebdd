/// The name of a BI login role, checked before it goes anywhere near DDL.
///
/// DDL takes no bind parameters, so the name is spliced in (through `format('%I')` on the server, which
/// quotes it); the strict pattern is the first wall: lowercase letters, digits and underscores, starting
/// with a letter, at most 63 bytes (PostgreSQL's limit), never `pg_…` (reserved) and never one of
/// Concord's own roles.
public struct BIRoleName: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public static let reserved: Set<String> = [
        "concord_api", "concord_worker", "concord_bi", "postgres", "public", "none", "current_user",
        "session_user", "current_role",
    ]

    public init(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), bytes.count <= 63
        else {
            throw BIAccessError.invalidRoleName(
                text, "it must start with a lowercase letter and be at most 63 characters")
        }
        let allowed = bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "_")
        }
        guard allowed else {
            throw BIAccessError.invalidRoleName(text, "use only lowercase letters, digits and underscores")
        }
        guard !text.hasPrefix("pg_"), !Self.reserved.contains(text) else {
            throw BIAccessError.invalidRoleName(text, "the name is reserved")
        }
        value = text
    }

    public var description: String { value }
}
