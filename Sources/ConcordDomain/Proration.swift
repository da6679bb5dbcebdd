import Foundation

/// The share of a reusable asset's cost charged to one programme: months used / amortisation months.
public struct Proration: Sendable, Hashable, Codable {
    /// Months the programme uses the asset.
    public var monthsOfUse: Decimal
    /// Months over which the asset's cost is spread.
    public var amortisationMonths: Decimal

    public init(monthsOfUse: Decimal, amortisationMonths: Decimal) {
        self.monthsOfUse = monthsOfUse
        self.amortisationMonths = amortisationMonths
    }

    /// monthsOfUse / amortisationMonths, within 0...1 (a programme never pays more than the whole asset);
    /// 1 when the amortisation period is not positive, i.e. charge it all.
    public var share: Decimal {
        guard amortisationMonths > 0 else { return 1 }
        return min(1, max(0, monthsOfUse / amortisationMonths))
    }
}
