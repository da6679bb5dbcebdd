import ConcordDomain
import Foundation
import PQ

/// One open initiative of one client, as the consultancy's portfolio shows it.
public struct PortfolioInitiative: Sendable, Codable, Hashable {
    public let orgID: UUID
    public let orgName: String
    public let id: UUID
    public let title: String
    public let stage: Stage
    public let health: Health
    public let importance: Int
    /// Share of required leaders aligned (0-1); nil when the initiative has no required leaders.
    public let alignmentIndex: Double?
    /// Required leaders whose latest rating is stale or missing: revisits that are due.
    public let overdueRevisits: Int
    /// Nudges sent (alone or in a digest) and not answered yet.
    public let unansweredNudges: Int
    public let daysSinceLastActivity: Int
    /// When it first reached its alignment gate, and the days that took or have passed so far.
    public let timeToAlignment: TimeToAlignment
}

/// One L&D programme of one client with its latest ROI figures.
public struct PortfolioProgramme: Sendable, Codable, Hashable {
    public let orgID: UUID
    public let orgName: String
    public let id: UUID
    public let title: String
    /// Nil until the worker has computed it.
    public let computedAt: Date?
    @OptionalDecimalString public var totalCost: Decimal?
    @OptionalDecimalString public var benefits: Decimal?
    @OptionalDecimalString public var bcr: Decimal?
    @OptionalDecimalString public var roiPercent: Decimal?
    @OptionalDecimalString public var paybackMonths: Decimal?
}

/// What the initiatives list can be narrowed to.
public struct PortfolioInitiativeFilter: Sendable, Hashable {
    public var health: Health?

    public init(health: Health? = nil) {
        self.health = health
    }
}

/// The consultancy's view across the organisations a key is granted: each organisation is read in its own
/// tenant transaction (row-level security holds per organisation), concurrently, and the pages merged.
extension Store {
    public static let portfolioInitiativeSorts = [
        "alignment_index", "overdue_revisits", "unanswered_nudges", "importance", "days_since_last_activity",
    ]
    public static let portfolioProgrammeSorts = ["roi_percent", "bcr", "benefits", "total_cost"]

    public func portfolioInitiatives(
        organisations: [UUID], filter: PortfolioInitiativeFilter = PortfolioInitiativeFilter(),
        page: PortfolioPageRequest, actor: String
    ) async throws -> Page<PortfolioInitiative> {
        let sortExpression: String =
            switch page.sort.column {
            // No required leaders reads as not aligned: assume nothing where there is no data.
            case "alignment_index": "coalesce(b.alignment_index, 0)"
            case "overdue_revisits": "b.stale_leaders + b.missing_leaders"
            case "unanswered_nudges": "coalesce(n.unanswered, 0)"
            case "importance": "b.importance"
            default: "b.days_since_last_activity"
            }
        var inner: SQL = """
            SELECT b.org_id, o.name AS org_name, b.initiative_id AS id, b.title, b.stage, b.health, b.importance,
                   b.alignment_index::float8 AS alignment_index,
                   (b.stale_leaders + b.missing_leaders)::int4 AS overdue_revisits,
                   coalesce(n.unanswered, 0)::int4 AS unanswered_nudges,
                   b.days_since_last_activity::int4 AS days_since_last_activity,
                   \(unescaped: TimeToAlignment.columns),
                   (\(unescaped: sortExpression))::numeric AS sort_value
            FROM bi.initiatives AS b
            JOIN organisations AS o ON o.org_id = b.org_id
            JOIN app.time_to_alignment AS t ON t.org_id = b.org_id AND t.initiative_id = b.initiative_id
            LEFT JOIN (SELECT x.initiative_id, count(*) AS unanswered FROM nudges AS x
                       WHERE x.org_id = app.current_org() AND x.state IN ('sent', 'digested')
                       GROUP BY x.initiative_id) AS n ON n.initiative_id = b.initiative_id
            WHERE b.org_id = app.current_org() AND b.archived_at IS NULL AND b.stage <> 'closed'
            """
        inner.append(" AND (\(filter.health?.rawValue)::text IS NULL OR b.health = \(filter.health?.rawValue)::text)")
        let statement = page.paged(inner)
        let rows = try await acrossOrganisations(organisations, actor: actor, statement) { row in
            PortfolioInitiative(
                orgID: try row.decode("org_id"), orgName: try row.decode("org_name"), id: try row.decode("id"),
                title: try row.decode("title"), stage: try row.decodeEnum("stage"),
                health: try row.decodeEnum("health"),
                importance: try row.decode("importance"), alignmentIndex: try row.decode("alignment_index"),
                overdueRevisits: Int(try row.decode("overdue_revisits", as: Int32.self)),
                unansweredNudges: Int(try row.decode("unanswered_nudges", as: Int32.self)),
                daysSinceLastActivity: Int(try row.decode("days_since_last_activity", as: Int32.self)),
                timeToAlignment: try TimeToAlignment(row: row))
        }
        return page.merge(rows)
    }

    public func portfolioProgrammes(
        organisations: [UUID], page: PortfolioPageRequest, actor: String
    ) async throws -> Page<PortfolioProgramme> {
        // A programme without ROI (not computed, or no costs) sorts as the lowest value.
        let column = Self.portfolioProgrammeSorts.contains(page.sort.column) ? page.sort.column : "roi_percent"
        let inner: SQL = """
            SELECT p.org_id, o.name AS org_name, p.id, p.title, r.computed_at, r.total_cost, r.benefits, r.bcr,
                   r.roi_percent, r.payback_months,
                   coalesce(r.\(unescaped: column), -1e15)::numeric AS sort_value
            FROM ld_programmes AS p
            JOIN organisations AS o ON o.org_id = p.org_id
            LEFT JOIN LATERAL (SELECT * FROM ld_roi_results AS x
                               WHERE x.org_id = p.org_id AND x.programme_id = p.id
                               ORDER BY x.computed_at DESC LIMIT 1) AS r ON true
            WHERE p.org_id = app.current_org() AND p.archived_at IS NULL
            """
        let rows = try await acrossOrganisations(organisations, actor: actor, page.paged(inner)) { row in
            PortfolioProgramme(
                orgID: try row.decode("org_id"), orgName: try row.decode("org_name"), id: try row.decode("id"),
                title: try row.decode("title"), computedAt: try row.decode("computed_at"),
                totalCost: try row.decode("total_cost"), benefits: try row.decode("benefits"),
                bcr: try row.decode("bcr"), roiPercent: try row.decode("roi_percent"),
                paybackMonths: try row.decode("payback_months"))
        }
        return page.merge(rows)
    }

    /// Runs `statement` in each organisation's own read transaction, at most a few at once.
    private func acrossOrganisations<Item: Sendable>(
        _ organisations: [UUID], actor: String, _ statement: SQL, _ decode: @escaping @Sendable (Row) throws -> Item
    ) async throws -> [(key: PortfolioCursor, item: Item)] {
        let read = StoreRead([statement]) { results in
            try results[0].map { row in (key: try PortfolioCursor(row: row), item: try decode(row)) }
        }
        return try await withThrowingTaskGroup(of: [(key: PortfolioCursor, item: Item)].self) { group in
            var pending = organisations.makeIterator()
            var rows: [(key: PortfolioCursor, item: Item)] = []
            for _ in 0..<4 {
                guard let orgID = pending.next() else { break }
                group.addTask { try await self.read(TenantScope(orgID: orgID, actor: actor), read) }
            }
            while let some = try await group.next() {
                rows += some
                if let orgID = pending.next() {
                    group.addTask { try await self.read(TenantScope(orgID: orgID, actor: actor), read) }
                }
            }
            return rows
        }
    }
}
