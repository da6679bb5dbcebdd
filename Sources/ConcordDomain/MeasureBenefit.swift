import Foundation

/// One measure's contribution, kept so a report can show where the money comes from.
public struct MeasureBenefit: Sendable, Hashable {
    public let name: String
    public let improvementPerPeriod: Decimal
    public let annualBenefit: Decimal
}
