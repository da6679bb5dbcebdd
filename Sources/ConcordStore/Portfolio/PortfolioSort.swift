import Foundation
import PQ

/// A portfolio list's order: a column and a direction (`-` in front: largest first). Ties break on the
/// organisation and the row id, so the order is total and pages never overlap.
public struct PortfolioSort: Sendable, Hashable {
    public let column: String
    public let descending: Bool

    /// `alignment_index` or `-overdue_revisits`; throws `StoreError.invalid` naming the choices.
    public init(_ text: String, allowed: [String]) throws {
        let descending = text.hasPrefix("-")
        let column = descending ? String(text.dropFirst()) : text
        guard allowed.contains(column) else {
            throw StoreError.invalid(
                constraint: "portfolio_sort_valid",
                message: "sort must be one of \(allowed.joined(separator: ", ")), each optionally with a leading -")
        }
        self.column = column
        self.descending = descending
    }

    public var text: String { (descending ? "-" : "") + column }
}

/// A page of a portfolio list, keyset-paginated on (sort value, organisation, id) across organisations.
public struct PortfolioPageRequest: Sendable, Hashable {
    public let sort: PortfolioSort
    public let limit: Int
    let after: PortfolioCursor?

    public init(sort: PortfolioSort, limit: Int = PageRequest.defaultLimit, after: String? = nil) throws {
        guard (1...PageRequest.maximumLimit).contains(limit) else {
            throw StoreError.invalid(
                constraint: "page_limit_range", message: "limit must be between 1 and \(PageRequest.maximumLimit)")
        }
        self.sort = sort
        self.limit = limit
        self.after = try after.map { try PortfolioCursor(token: $0, sort: sort) }
    }

    /// Wraps one organisation's query (which selects `sort_value`, `org_id` and `id`) with the keyset
    /// predicate, the order and one row more than a page.
    func paged(_ inner: SQL) -> SQL {
        let direction = sort.descending ? "DESC" : "ASC"
        var statement: SQL = "SELECT * FROM ("
        statement.append(inner)
        statement.append(") AS p WHERE true")
        if let after {
            let comparison = sort.descending ? "<" : ">"
            statement.append(
                " AND (p.sort_value, p.org_id, p.id) \(unescaped: comparison) (\(after.value)::numeric, \(after.orgID)::uuid, \(after.id)::uuid)"
            )
        }
        statement.append(
            " ORDER BY p.sort_value \(unescaped: direction), p.org_id \(unescaped: direction), p.id \(unescaped: direction) LIMIT \(limit + 1)::int4"
        )
        return statement
    }

    /// Merges the organisations' pages (each already in order) into one page and its cursor.
    func merge<Item: Sendable & Codable>(_ rows: [(key: PortfolioCursor, item: Item)]) -> Page<Item> {
        let ordered = rows.sorted { lhs, rhs in
            let left = (lhs.key.value, lhs.key.orgID.uuidString, lhs.key.id.uuidString)
            let right = (rhs.key.value, rhs.key.orgID.uuidString, rhs.key.id.uuidString)
            return sort.descending ? left > right : left < right
        }
        let kept = Array(ordered.prefix(limit))
        guard ordered.count > limit, let last = kept.last else { return Page(items: kept.map(\.item), next: nil) }
        return Page(items: kept.map(\.item), next: last.key.token(sort: sort))
    }
}

/// Where a portfolio page ends: the last row's sort value, organisation and id, and the sort it was for.
struct PortfolioCursor: Sendable, Hashable {
    let value: Decimal
    let orgID: UUID
    let id: UUID

    init(value: Decimal, orgID: UUID, id: UUID) {
        self.value = value
        self.orgID = orgID
        self.id = id
    }

    init(row: Row) throws {
        self.init(
            value: try row.decode("sort_value", as: Decimal.self), orgID: try row.decode("org_id", as: UUID.self),
            id: try row.decode("id", as: UUID.self))
    }

    func token(sort: PortfolioSort) -> String {
        Data("\(sort.text)|\(value)|\(orgID.uuidString)|\(id.uuidString)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A cursor made for another sort is refused: it would skip or repeat rows.
    init(token: String, sort: PortfolioSort) throws {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw Self.invalid
        }
        let parts = text.split(separator: "|").map(String.init)
        guard parts.count == 4, parts[0] == sort.text,
            let value = Decimal(string: parts[1], locale: Locale(identifier: "en_US_POSIX")),
            let orgID = UUID(uuidString: parts[2]), let id = UUID(uuidString: parts[3])
        else { throw Self.invalid }
        self.init(value: value, orgID: orgID, id: id)
    }

    private static let invalid = StoreError.invalid(
        constraint: "page_cursor_valid", message: "the cursor is not valid for this sort")
}
