import Foundation

/// The Phillips figures for one L&D programme, unrounded.
public struct ROIReport: Sendable, Hashable {
    /// Charged (prorated) cost per category; every category present, zero when unused.
    public let costsByCategory: [CostCategory: Decimal]
    /// Fully loaded cost.
    public let totalCost: Decimal
    public let measures: [MeasureBenefit]
    /// Monetary benefits for one year.
    public let annualBenefits: Decimal
    public let horizonMonths: Int
    /// annualBenefits × horizonMonths / 12: the benefits that BCR and ROI use.
    public let benefits: Decimal
    /// benefits / totalCost.
    public let benefitCostRatio: Decimal?
    /// (benefits - totalCost) / totalCost × 100.
    public let roiPercent: Decimal?
    /// Why BCR and ROI are nil.
    public let ratioUnavailable: ROIUnavailable?
    /// totalCost / annualBenefits × 12.
    public let paybackMonths: Decimal?
    /// Why payback is nil.
    public let paybackUnavailable: ROIUnavailable?
}
