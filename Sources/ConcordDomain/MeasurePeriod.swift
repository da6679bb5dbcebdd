import Foundation

/// The period a measure's baseline and after values are counted over, so annualising is explicit.
public enum MeasurePeriod: String, Codable, CaseIterable, Sendable {
    case perWeek = "per_week"
    case perMonth = "per_month"
    case perQuarter = "per_quarter"
    case perYear = "per_year"

    /// How many such periods make a year.
    public var periodsPerYear: Decimal {
        switch self {
        case .perWeek: 52
        case .perMonth: 12
        case .perQuarter: 4
        case .perYear: 1
        }
    }
}
