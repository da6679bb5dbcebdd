import ConcordDomain
import Foundation
import PQ

/// One cost line of a programme, as stored; amounts are exact and travel in JSON as strings.
public struct ProgrammeCost: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let programmeID: UUID
    public var category: CostCategory
    public var description: String
    /// As spent or quoted, before proration.
    @DecimalString public var amount: Decimal
    /// Prorated categories only: months the programme uses the asset, of `amortisationMonths`.
    @OptionalDecimalString public var monthsUsed: Decimal?
    @OptionalDecimalString public var amortisationMonths: Decimal?
    public let createdAt: Date
    public var version: Int

    static let columns = """
        c.id, c.programme_id, c.category, c.description, c.amount, c.months_used, c.amortisation_months,
        c.created_at, c.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        programmeID = try row.decode("programme_id")
        category = try row.decodeEnum("category")
        description = try row.decode("description")
        amount = try row.decode("amount")
        monthsUsed = try row.decode("months_used")
        amortisationMonths = try row.decode("amortisation_months")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
    }

    /// The line as the domain's ROI sees it.
    public var item: CostItem {
        CostItem(
            category: category, amount: amount,
            proration: monthsUsed.flatMap { used in
                amortisationMonths.map { Proration(monthsOfUse: used, amortisationMonths: $0) }
            })
    }
}

/// What the API gives to add a cost.
public struct CostFields: Sendable, Codable, Hashable {
    public var category: CostCategory
    public var description: String
    @DecimalString public var amount: Decimal
    @OptionalDecimalString public var monthsUsed: Decimal?
    @OptionalDecimalString public var amortisationMonths: Decimal?

    public init(
        category: CostCategory, description: String = "", amount: Decimal, monthsUsed: Decimal? = nil,
        amortisationMonths: Decimal? = nil
    ) {
        self.category = category
        self.description = description
        self.amount = amount
        self.monthsUsed = monthsUsed
        self.amortisationMonths = amortisationMonths
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            category: try container.decode(CostCategory.self, forKey: .category),
            description: try container.decodeIfPresent(String.self, forKey: .description) ?? "",
            amount: try container.decode(DecimalString.self, forKey: .amount).wrappedValue,
            monthsUsed: try container.decode(OptionalDecimalString.self, forKey: .monthsUsed).wrappedValue,
            amortisationMonths: try container.decode(OptionalDecimalString.self, forKey: .amortisationMonths)
                .wrappedValue)
    }

    enum CodingKeys: String, CodingKey {
        case category, description, amount, monthsUsed, amortisationMonths
    }
}
