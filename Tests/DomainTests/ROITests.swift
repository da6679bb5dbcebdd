import ConcordDomain
import Foundation
import Testing

/// Seed 004 names ROI as the way to justify L&D but gives no figures, so this example is constructed.
@Suite struct ROITests {
    let costs: [CostItem] = [
        CostItem(category: .needsAssessment, amount: dec("4000")),
        // A 36 000 course design amortised over 36 months, used 12: charge 12/36.
        .prorated(.designDevelopment, amount: dec("36000"), monthsOfUse: 12, amortisationMonths: 36),
        // Licensed content 10 000 over 24 months, used 6: charge 6/24.
        .prorated(.acquisition, amount: dec("10000"), monthsOfUse: 6, amortisationMonths: 24),
        CostItem(category: .delivery, amount: dec("15000")),
        // 20 participants × 16 hours × 45 per hour.
        CostItem(category: .participantsTime, amount: Decimal(20) * 16 * dec("45")),
        CostItem(category: .facilities, amount: dec("3000")),
        CostItem(category: .evaluation, amount: dec("2500")),
        CostItem(category: .overhead, amount: dec("1600")),
    ]

    let measures: [ImpactMeasure] = [
        // Leaver count per year fell from 30 to 24; each leaver costs 25 000; half attributed, 80 % sure.
        ImpactMeasure(
            name: "regretted leavers", baseline: 30, after: 24, unitValue: dec("25000"),
            attribution: dec("0.5"), confidence: dec("0.8"), direction: .lowerIsBetter, period: .perYear),
        // Errors per month fell from 120 to 100; 35 each; 60 % attributed, 75 % sure.
        ImpactMeasure(
            name: "order errors", baseline: 120, after: 100, unitValue: dec("35"),
            attribution: dec("0.6"), confidence: dec("0.75"), direction: .lowerIsBetter, period: .perMonth),
        // Weekly sales went down, though higher is better: counts as zero.
        ImpactMeasure(
            name: "sales", baseline: 50, after: 45, unitValue: dec("100"),
            attribution: 1, confidence: 1, direction: .higherIsBetter, period: .perWeek),
        // No after value yet: counts as zero.
        ImpactMeasure(
            name: "engagement", baseline: 60, after: nil, unitValue: dec("10"),
            attribution: 1, confidence: 1, direction: .higherIsBetter, period: .perYear),
    ]

    @Test func workedExample() throws {
        let report = ROI.evaluate(costs: costs, measures: measures)

        let design = dec("36000") * 12 / 36  // 12 000, exact
        let acquisition = dec("10000") * 6 / 24  // 2 500
        #expect(design == dec("12000"))
        #expect(report.costsByCategory[.designDevelopment] == design)
        #expect(report.costsByCategory[.acquisition] == acquisition)
        #expect(report.costsByCategory[.participantsTime] == dec("14400"))
        let total =
            dec("4000") + design + acquisition + dec("15000") + dec("14400") + dec("3000") + dec("2500") + dec("1600")
        #expect(report.totalCost == total)
        #expect(total == dec("55000"))

        let leavers = Decimal(30 - 24) * 1 * dec("25000") * dec("0.5") * dec("0.8")
        let errors = Decimal(120 - 100) * 12 * dec("35") * dec("0.6") * dec("0.75")
        #expect(report.measures.map(\.annualBenefit) == [leavers, errors, 0, 0])
        #expect(report.annualBenefits == leavers + errors)
        #expect(report.annualBenefits == dec("63780"))
        #expect(report.benefits == report.annualBenefits)  // 12-month horizon

        #expect(report.benefitCostRatio == dec("63780") / dec("55000"))
        #expect(report.roiPercent == (dec("63780") - dec("55000")) * 100 / dec("55000"))
        #expect(report.paybackMonths == dec("55000") * 12 / dec("63780"))
        #expect(report.ratioUnavailable == nil)
        #expect(report.paybackUnavailable == nil)

        // 8 780 / 55 000 × 100 = 15.9636…
        #expect(MoneyRounding.halfUp.round(try #require(report.roiPercent)) == dec("15.96"))
    }

    @Test func longerHorizonScalesBenefitsNotPayback() {
        let report = ROI.evaluate(costs: costs, measures: measures, horizonMonths: 24)
        #expect(report.benefits == dec("63780") * 24 / 12)
        #expect(report.roiPercent == (dec("127560") - dec("55000")) * 100 / dec("55000"))
        #expect(report.paybackMonths == dec("55000") * 12 / dec("63780"))
    }

    @Test func zeroCostHasNoRatios() {
        let report = ROI.evaluate(costs: [], measures: measures)
        #expect(report.totalCost == 0)
        #expect(report.benefitCostRatio == nil)
        #expect(report.roiPercent == nil)
        #expect(report.ratioUnavailable == .noCosts)
        #expect(report.paybackMonths == 0)
        #expect(report.costsByCategory.count == CostCategory.allCases.count)
    }

    @Test func zeroBenefitHasNoPayback() {
        let report = ROI.evaluate(costs: costs, measures: [measures[2], measures[3]])
        #expect(report.annualBenefits == 0)
        #expect(report.paybackMonths == nil)
        #expect(report.paybackUnavailable == .noBenefits)
        #expect(report.roiPercent == -100)  // (0 - 55 000) / 55 000 × 100
        #expect(report.benefitCostRatio == 0)
    }

    @Test func wrongDirectionAndMissingDataAreZero() {
        var lower = measures[1]
        lower.after = 130  // errors went up
        #expect(lower.improvementPerPeriod == 0)
        #expect(lower.annualBenefit == 0)
        lower.after = 100
        lower.unitValue = nil
        #expect(lower.annualBenefit == 0)
        lower.unitValue = dec("35")
        lower.baseline = nil
        #expect(lower.annualBenefit == 0)
    }

    @Test func sharesAreClampedToOne() {
        var measure = measures[0]
        measure.attribution = dec("1.5")
        measure.confidence = dec("-0.2")
        #expect(measure.annualBenefit == 0)
        measure.confidence = dec("2")
        #expect(measure.annualBenefit == Decimal(6) * dec("25000"))
    }

    @Test func prorationRules() {
        // Used longer than the amortisation period: never more than the whole amount.
        let overused = CostItem.prorated(.acquisition, amount: dec("1000"), monthsOfUse: 48, amortisationMonths: 36)
        #expect(overused.chargedAmount == dec("1000"))
        // No amortisation period: charge it all.
        let noPeriod = CostItem.prorated(.designDevelopment, amount: dec("900"), monthsOfUse: 3, amortisationMonths: 0)
        #expect(noPeriod.chargedAmount == dec("900"))
        // Delivery is not prorated even if a proration is attached.
        let delivery = CostItem(
            category: .delivery, amount: dec("500"), proration: Proration(monthsOfUse: 1, amortisationMonths: 10))
        #expect(delivery.chargedAmount == dec("500"))
        // Prorated category without proration: full amount, the conservative choice.
        #expect(CostItem(category: .acquisition, amount: dec("700")).chargedAmount == dec("700"))
        // 1000 × 7 / 12: multiplied first, divided once.
        let sevenTwelfths = CostItem.prorated(.acquisition, amount: dec("1000"), monthsOfUse: 7, amortisationMonths: 12)
        #expect(sevenTwelfths.chargedAmount == dec("7000") / 12)
    }

    @Test func roundingModes() {
        #expect(MoneyRounding.bankers.round(dec("2.345")) == dec("2.34"))
        #expect(MoneyRounding.halfUp.round(dec("2.345")) == dec("2.35"))
        #expect(MoneyRounding.bankers.round(dec("2.355")) == dec("2.36"))
        #expect(MoneyRounding.bankers.round(dec("-2.345")) == dec("-2.34"))
        #expect(MoneyRounding.halfUp.round(dec("-2.345")) == dec("-2.35"))
        #expect(MoneyRounding.halfUp.round(dec("1.23456"), scale: 3) == dec("1.235"))
    }

    @Test func participantLevelsIgnoreMissingValues() {
        let levels = ParticipantLevels([
            ParticipantRecord(reaction: dec("4.5"), learning: 80, application: nil, completed: true),
            ParticipantRecord(reaction: nil, learning: 60, application: 3, completed: false),
            ParticipantRecord(reaction: dec("3.5"), learning: nil, application: nil, completed: nil),
            ParticipantRecord(completed: true),
        ])
        #expect(levels.participants == 4)
        #expect(levels.reactionMean == (dec("4.5") + dec("3.5")) / 2)
        #expect(levels.learningMean == Decimal(80 + 60) / 2)
        #expect(levels.applicationMean == 3)
        #expect(levels.completionRate == Decimal(2) / Decimal(3))  // 2 completed of 3 known
        #expect(ParticipantLevels([]).reactionMean == nil)
        #expect(ParticipantLevels([]).completionRate == nil)
    }
}
