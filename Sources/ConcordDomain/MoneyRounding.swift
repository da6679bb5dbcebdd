import Foundation

/// Rounding for display only; every computation stays unrounded.
public enum MoneyRounding: String, Sendable, Codable, CaseIterable {
    /// Half to even (2.345 → 2.34, 2.355 → 2.36): no upward drift when summing many rounded figures.
    case bankers
    /// Half away from zero (2.345 → 2.35): what most readers expect on a report.
    case halfUp = "half_up"

    /// `value` rounded to `scale` decimal places (default 2).
    public func round(_ value: Decimal, scale: Int = 2) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, self == .bankers ? .bankers : .plain)
        return output
    }
}
