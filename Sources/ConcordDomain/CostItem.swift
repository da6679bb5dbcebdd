import Foundation

/// One cost line of an L&D programme.
public struct CostItem: Sendable, Hashable, Codable {
    public var category: CostCategory
    /// The amount as spent or quoted, before proration; expected >= 0.
    public var amount: Decimal
    /// Applied only to prorated categories; nil there means charge the full amount (conservative).
    public var proration: Proration?

    public init(category: CostCategory, amount: Decimal, proration: Proration? = nil) {
        self.category = category
        self.amount = amount
        self.proration = proration
    }

    /// A design/development or acquisition cost spread over its amortisation period.
    public static func prorated(
        _ category: CostCategory, amount: Decimal, monthsOfUse: Decimal, amortisationMonths: Decimal
    ) -> CostItem {
        CostItem(
            category: category, amount: amount,
            proration: Proration(monthsOfUse: monthsOfUse, amortisationMonths: amortisationMonths))
    }

    /// The amount charged to this programme: amount × monthsOfUse / amortisationMonths, at most the amount.
    ///
    /// Multiplies before the one division, so 36 000 × 12 / 36 is exactly 12 000.
    public var chargedAmount: Decimal {
        guard category.isProrated, let proration, proration.amortisationMonths > 0 else { return amount }
        guard proration.monthsOfUse < proration.amortisationMonths else { return amount }
        return amount * max(0, proration.monthsOfUse) / proration.amortisationMonths
    }
}
