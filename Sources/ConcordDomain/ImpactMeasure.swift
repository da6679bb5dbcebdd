import Foundation

/// A level-4 business measure and how much of its change the programme may claim.
public struct ImpactMeasure: Sendable, Hashable, Codable {
    public var name: String
    public var baseline: Decimal?
    public var after: Decimal?
    /// Money per unit of the measure.
    public var unitValue: Decimal?
    /// Share of the change attributed to the programme, 0...1 (clamped).
    public var attribution: Decimal
    /// Confidence in the estimate, 0...1 (clamped).
    public var confidence: Decimal
    public var direction: ImprovementDirection
    public var period: MeasurePeriod

    public init(
        name: String, baseline: Decimal?, after: Decimal?, unitValue: Decimal?,
        attribution: Decimal, confidence: Decimal,
        direction: ImprovementDirection, period: MeasurePeriod
    ) {
        self.name = name
        self.baseline = baseline
        self.after = after
        self.unitValue = unitValue
        self.attribution = attribution
        self.confidence = confidence
        self.direction = direction
        self.period = period
    }

    /// Units gained per period in the good direction; zero when data is missing or the change went the wrong way.
    public var improvementPerPeriod: Decimal {
        guard let baseline, let after else { return 0 }
        let change = direction == .higherIsBetter ? after - baseline : baseline - after
        return max(0, change)
    }

    /// improvement × periods per year × unit value × attribution × confidence; zero without a unit value.
    public var annualBenefit: Decimal {
        guard let unitValue, unitValue > 0 else { return 0 }
        return improvementPerPeriod * period.periodsPerYear * unitValue * Self.unit(attribution)
            * Self.unit(confidence)
    }

    private static func unit(_ share: Decimal) -> Decimal { min(1, max(0, share)) }
}
