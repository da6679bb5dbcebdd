import ConcordDomain
import Foundation
import Testing

/// Properties of the Phillips figures over many generated programmes (a seeded generator, so a failure
/// replays): ROI % is (BCR - 1) x 100, halving attribution halves benefits, and a cost never raises ROI.
@Suite struct ROIPropertyTests {
    /// A programme with whole-cent costs and measures whose values are small decimals.
    static func programme(_ random: inout SplitMix64) -> (costs: [CostItem], measures: [ImpactMeasure]) {
        func money(_ max: UInt64) -> Decimal { Decimal(Int(random.next() % max)) / 100 }
        let costs = (0..<Int(random.next() % 4)).map { index in
            CostItem(category: CostCategory.allCases[index % CostCategory.allCases.count], amount: money(5_000_000))
        }
        let measures = (0..<Int(1 + random.next() % 3)).map { index in
            ImpactMeasure(
                name: "m\(index)", baseline: Decimal(Int(random.next() % 100)),
                after: Decimal(Int(random.next() % 150)), unitValue: money(100_000),
                attribution: Decimal(Int(random.next() % 101)) / 100,
                confidence: Decimal(Int(random.next() % 101)) / 100,
                direction: random.next() % 2 == 0 ? .higherIsBetter : .lowerIsBetter,
                period: MeasurePeriod.allCases[Int(random.next() % 4)])
        }
        return (costs, measures)
    }

    @Test func roiPercentIsBCRMinusOneTimesAHundred() {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<500 {
            let (costs, measures) = Self.programme(&random)
            let report = ROI.evaluate(costs: costs, measures: measures)
            guard let bcr = report.benefitCostRatio, let roi = report.roiPercent else {
                #expect(report.totalCost == 0)
                continue
            }
            // Both are quotients of the same two sums; they agree to Decimal's last digits.
            let difference = roi - (bcr - 1) * 100
            #expect(abs(NSDecimalNumber(decimal: difference).doubleValue) < 1e-20)
        }
    }

    @Test func halvingAttributionHalvesBenefits() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let (costs, measures) = Self.programme(&random)
            let halved = measures.map { measure in
                var copy = measure
                copy.attribution = measure.attribution / 2
                return copy
            }
            let full = ROI.evaluate(costs: costs, measures: measures).benefits
            let half = ROI.evaluate(costs: costs, measures: halved).benefits
            let difference = full - half * 2
            #expect(abs(NSDecimalNumber(decimal: difference).doubleValue) < 1e-20, "\(full) vs \(half)")
        }
    }

    @Test func addingACostNeverRaisesROI() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let (costs, measures) = Self.programme(&random)
            let extra = CostItem(category: .overhead, amount: Decimal(Int(1 + random.next() % 1_000_000)) / 100)
            let before = ROI.evaluate(costs: costs, measures: measures)
            let after = ROI.evaluate(costs: costs + [extra], measures: measures)
            guard let old = before.roiPercent, let new = after.roiPercent else { continue }
            #expect(new <= old, "ROI rose from \(old) to \(new) after a cost of \(extra.amount)")
        }
    }
}
