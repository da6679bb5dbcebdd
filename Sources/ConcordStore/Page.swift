import Foundation
import PQ

/// One page of a list and where the next one starts.
public struct Page<Item: Sendable & Codable>: Sendable, Codable {
    public let items: [Item]
    /// Pass as `PageRequest.after` for the next page; nil on the last page.
    public let next: String?

    public init(items: [Item], next: String?) {
        self.items = items
        self.next = next
    }
}

/// Which page of a list to read: keyset pagination on (created_at, id), so rows added or removed meanwhile
/// never make a row appear twice or be skipped among those that stay.
public struct PageRequest: Sendable, Hashable {
    public static let maximumLimit = 200
    public static let defaultLimit = 50

    public let limit: Int
    public let after: PageCursor?

    /// Throws `StoreError.invalid` for a limit outside 1...200 or a cursor this store did not hand out.
    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) throws {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw StoreError.invalid(
                constraint: "page_limit_range", message: "limit must be between 1 and \(Self.maximumLimit)")
        }
        self.limit = limit
        self.after = try after.map(PageCursor.init(token:))
    }

    /// The keyset predicate (with a leading AND) for rows after the cursor, in `table`'s alias.
    func predicate(alias: String) -> SQL {
        guard let after else { return "" }
        return
            " AND (\(unescaped: alias).created_at, \(unescaped: alias).id) > (timestamptz 'epoch' + \(after.createdAtMicros)::int8 * interval '1 microsecond', \(after.id)::uuid)"
    }

    /// ORDER BY and LIMIT, one row more than asked so the page knows whether another follows.
    func orderAndLimit(alias: String) -> SQL {
        " ORDER BY \(unescaped: alias).created_at, \(unescaped: alias).id LIMIT \(limit + 1)::int4"
    }

    /// The select-list item every paged query carries, read back by `page(_:)`.
    static func cursorColumn(alias: String) -> String {
        "(extract(epoch FROM \(alias).created_at) * 1000000)::int8 AS page_created_at_micros"
    }

    /// Cuts the extra row off and makes the next cursor from the last row kept.
    func page<Item: Sendable & Codable>(_ result: QueryResult, _ transform: (Row) throws -> Item) throws -> Page<Item> {
        let rows = Array(result.prefix(limit))
        let items = try rows.map(transform)
        guard result.count > limit, let last = rows.last else { return Page(items: items, next: nil) }
        let cursor = PageCursor(
            createdAtMicros: try last.decode("page_created_at_micros", as: Int64.self),
            id: try last.decode("id", as: UUID.self))
        return Page(items: items, next: cursor.token)
    }
}

/// The position after the last row of a page: its creation time (exact microseconds) and id.
public struct PageCursor: Sendable, Hashable {
    let createdAtMicros: Int64
    let id: UUID

    init(createdAtMicros: Int64, id: UUID) {
        self.createdAtMicros = createdAtMicros
        self.id = id
    }

    /// Opaque to callers: base64url of "micros.uuid".
    var token: String {
        Data("\(createdAtMicros).\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init(token: String) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw Self.invalid
        }
        let parts = text.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw Self.invalid
        }
        self.init(createdAtMicros: micros, id: id)
    }

    private static let invalid = StoreError.invalid(constraint: "page_cursor_valid", message: "the cursor is not valid")
}
