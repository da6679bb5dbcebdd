import Foundation

/// Phillips ROI for an L&D programme, in exact decimal arithmetic.
///
/// Each figure multiplies first and divides once, so a result is exact whenever it has a finite decimal
/// expansion (within `Decimal`'s 38 digits); a repeating one is cut in its last digit only.
public enum ROI {
    /// First year only unless the programme says otherwise: the conservative default.
    public static let defaultHorizonMonths = 12

    /// Computes costs, benefits, BCR, ROI % and payback; missing data means no improvement.
    public static func evaluate(
        costs: [CostItem], measures: [ImpactMeasure], horizonMonths: Int = defaultHorizonMonths
    ) -> ROIReport {
        var byCategory = Dictionary(uniqueKeysWithValues: CostCategory.allCases.map { ($0, Decimal(0)) })
        for item in costs { byCategory[item.category, default: 0] += item.chargedAmount }
        let total = CostCategory.allCases.reduce(Decimal(0)) { $0 + byCategory[$1]! }

        let perMeasure = measures.map {
            MeasureBenefit(
                name: $0.name, improvementPerPeriod: $0.improvementPerPeriod, annualBenefit: $0.annualBenefit)
        }
        let annual = perMeasure.reduce(Decimal(0)) { $0 + $1.annualBenefit }
        let horizon = max(0, horizonMonths)
        let benefits = annual * Decimal(horizon) / 12

        let hasCosts = total > 0
        let hasBenefits = annual > 0
        return ROIReport(
            costsByCategory: byCategory,
            totalCost: total,
            measures: perMeasure,
            annualBenefits: annual,
            horizonMonths: horizon,
            benefits: benefits,
            benefitCostRatio: hasCosts ? benefits / total : nil,
            roiPercent: hasCosts ? (benefits - total) * 100 / total : nil,
            ratioUnavailable: hasCosts ? nil : .noCosts,
            paybackMonths: hasBenefits ? max(0, total) * 12 / annual : nil,
            paybackUnavailable: hasBenefits ? nil : .noBenefits
        )
    }
}
