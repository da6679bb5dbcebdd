import ConcordDomain
import ConcordStore
import Foundation
import Testing

/// Programmes, their inputs and the set-based ROI computation (`app.ld_compute_roi`), run as the worker's role.
@Suite struct ROIStoreTests {
    /// The fixture's store plus one connected as `concord_worker`, the role that writes snapshots.
    struct Fixture {
        let base: StoreFixture
        let worker: Store

        static func make() async throws -> Fixture {
            let base = try await StoreFixture.make()
            return Fixture(base: base, worker: Store(pool: base.database.pool(user: "concord_worker")))
        }

        func programme(_ title: String, horizon: Int = 12) async throws -> Programme {
            try await base.write {
                try await $0.createProgramme(ProgrammeFields(title: title, benefitHorizonMonths: horizon))
            }
        }

        func cost(
            _ programme: UUID, _ category: CostCategory, _ amount: String, used: Decimal? = nil,
            over: Decimal? = nil
        ) async throws {
            _ = try await base.write {
                try await $0.addCost(
                    to: programme,
                    CostFields(category: category, amount: d(amount), monthsUsed: used, amortisationMonths: over))
            }
        }

        func measure(
            _ programme: UUID, _ name: String, baseline: String, after: String?, unitValue: String,
            direction: ImprovementDirection = .higherIsBetter, period: MeasurePeriod = .perYear,
            attribution: String = "1", confidence: String = "1"
        ) async throws {
            _ = try await base.write {
                try await $0.addMeasure(
                    to: programme,
                    MeasureFields(
                        name: name, unit: "units", baseline: d(baseline), after: after.map(d), unitValue: d(unitValue),
                        direction: direction, period: period, attribution: d(attribution), isolationMethod: .estimate,
                        confidence: d(confidence)))
            }
        }

        func participant(
            _ programme: UUID, completed: Bool?, reaction: String? = nil, learning: String? = nil,
            application: String? = nil
        ) async throws {
            _ = try await base.write {
                try await $0.addParticipant(
                    to: programme,
                    ParticipantFields(
                        personName: "P", completed: completed, reaction: reaction.map(d), learning: learning.map(d),
                        application: application.map(d)))
            }
        }

        /// Runs the worker's computation for the organisation; returns the snapshots inserted.
        @discardableResult
        func compute(all: Bool = false) async throws -> Int {
            try await worker.write(base.scope) { try await $0.computeROI(recomputeAll: all) }
        }

        func latest(_ programme: UUID) async throws -> ROISnapshot {
            try #require(try await base.read(Reads.roiHistory(of: programme)).first)
        }

        func inputs(_ programme: UUID) async throws -> ProgrammeInputs {
            try #require(try await base.read(Reads.programmeInputs(programme)))
        }
    }

    /// Every figure derived by hand:
    ///
    /// Costs: delivery 20 000; course design 36 000 amortised over 36 months, used 12, so 36 000 × 12 / 36 =
    /// 12 000; participants' time 8 000. Fully loaded: 20 000 + 12 000 + 8 000 = 40 000.
    ///
    /// Benefits: regretted leavers per year fell 30 → 24 (lower is better): 6 × 1 period × 25 000 a leaver ×
    /// 0.5 attributed × 0.8 confidence = 60 000. Output per quarter rose 200 → 210: 10 × 4 quarters × 100 ×
    /// 1 × 1 = 4 000. Annual 64 000; 12-month horizon, so benefits 64 000.
    ///
    /// BCR 64 000 / 40 000 = 1.6; ROI (64 000 − 40 000) / 40 000 × 100 = 60 %; payback 40 000 × 12 / 64 000 =
    /// 7.5 months. Participants: completion 2 of 4 known = 0.5; reaction (4.5 + 4 + 3.5) / 3 = 4; learning
    /// (80 + 90) / 2 = 85; application (70 + 50) / 2 = 60.
    @Test func phillipsWorkedExample() async throws {
        let f = try await Fixture.make()
        let p = try await f.programme("Leading change").id
        try await f.cost(p, .delivery, "20000")
        try await f.cost(p, .designDevelopment, "36000", used: 12, over: 36)
        try await f.cost(p, .participantsTime, "8000")
        try await f.measure(
            p, "retention", baseline: "30", after: "24", unitValue: "25000", direction: .lowerIsBetter,
            attribution: "0.5", confidence: "0.8")
        try await f.measure(p, "productivity", baseline: "200", after: "210", unitValue: "100", period: .perQuarter)
        try await f.participant(p, completed: true, reaction: "4.5", learning: "80", application: "70")
        try await f.participant(p, completed: true, reaction: "4", learning: "90")
        try await f.participant(p, completed: false, reaction: "3.5", application: "50")
        try await f.participant(p, completed: false)

        #expect(try await f.compute() == 1)
        let s = try await f.latest(p)
        let design = d("36000") * 12 / 36
        let total = d("20000") + design + d("8000")
        let leavers = Decimal(30 - 24) * 1 * d("25000") * d("0.5") * d("0.8")
        let output = Decimal(210 - 200) * 4 * d("100") * 1 * 1
        let annual = leavers + output
        #expect(s.costsByCategory["design_development"]?.wrappedValue == d("12000"))
        #expect(s.totalCost == total)
        #expect(s.totalCost == d("40000"))
        #expect(s.measures.map(\.annualBenefit) == [leavers, output])
        #expect(s.annualBenefits == annual)
        #expect(s.benefits == d("64000"))
        #expect(s.bcr == annual / total)
        #expect(s.bcr == d("1.6"))
        #expect(s.roiPercent == (annual - total) / total * 100)
        #expect(s.roiPercent == d("60"))
        #expect(s.paybackMonths == total * 12 / annual)
        #expect(s.paybackMonths == d("7.5"))
        #expect(s.unavailableReason == nil && s.paybackUnavailableReason == nil)
        #expect(s.participants == 4)
        #expect(s.completionRate == d("0.5"))
        #expect(s.level1Mean == d("4"))
        #expect(s.level2Mean == d("85"))
        #expect(s.level3Mean == d("60"))
        // The domain, fed the same stored inputs, says exactly the same.
        #expect(figures(ROISnapshot(computing: try await f.inputs(p))) == figures(s))
    }

    @Test func zeroCostHasNoRatiosAndSaysWhy() async throws {
        let f = try await Fixture.make()
        let p = try await f.programme("Free").id
        try await f.measure(p, "quality", baseline: "10", after: "12", unitValue: "50")
        try await f.compute()
        let s = try await f.latest(p)
        #expect(s.totalCost == 0)
        #expect(s.annualBenefits == 100)
        #expect(s.bcr == nil && s.roiPercent == nil)
        #expect(s.unavailableReason == .noCosts)
        #expect(s.paybackMonths == 0)
    }

    @Test func missingAfterAndWrongDirectionBringNoBenefit() async throws {
        let f = try await Fixture.make()
        let p = try await f.programme("No data yet").id
        try await f.cost(p, .delivery, "1000")
        try await f.measure(p, "innovation", baseline: "5", after: nil, unitValue: "1000")
        try await f.measure(p, "sales", baseline: "50", after: "45", unitValue: "100", period: .perWeek)
        try await f.compute()
        let s = try await f.latest(p)
        #expect(s.annualBenefits == 0)
        #expect(s.measures.map(\.improvementPerPeriod) == [0, 0])
        #expect(s.bcr == 0)
        #expect(s.roiPercent == -100)
        #expect(s.paybackMonths == nil)
        #expect(s.paybackUnavailableReason == .noBenefits)
    }

    @Test func prorationChargesTheShareUsedAndNeverMoreThanTheWhole() async throws {
        let f = try await Fixture.make()
        let p = try await f.programme("Licensed content").id
        // 10 000 over 24 months, used 6: 10 000 × 6 / 24 = 2 500.
        try await f.cost(p, .acquisition, "10000", used: 6, over: 24)
        // Used longer than its amortisation: the whole 3 000, not more.
        try await f.cost(p, .designDevelopment, "3000", used: 48, over: 24)
        try await f.compute()
        let s = try await f.latest(p)
        #expect(s.costsByCategory["acquisition"]?.wrappedValue == d("2500"))
        #expect(s.costsByCategory["design_development"]?.wrappedValue == d("3000"))
        #expect(s.totalCost == d("5500"))

        let error = await storeError { try await f.cost(p, .delivery, "100", used: 1, over: 2) }
        #expect(error?.constraint == "ld_costs_proration_category")
        let negative = await storeError { try await f.cost(p, .delivery, "-1") }
        #expect(negative?.constraint == "ld_costs_amount_nonnegative")
    }

    @Test func onlyChangedProgrammesGetANewSnapshot() async throws {
        let f = try await Fixture.make()
        let changed = try await f.programme("Changed").id
        let unchanged = try await f.programme("Unchanged").id
        try await f.cost(changed, .delivery, "1000")
        try await f.cost(unchanged, .delivery, "1000")
        #expect(try await f.compute() == 2)
        #expect(try await f.compute() == 0)

        try await f.cost(changed, .evaluation, "500")
        #expect(try await f.compute() == 1)
        #expect(try await f.base.read(Reads.roiHistory(of: changed)).count == 2)
        #expect(try await f.base.read(Reads.roiHistory(of: unchanged)).count == 1)
        #expect(try await f.latest(changed).totalCost == 1500)

        // A new horizon changes the figures too; a new title does not.
        var fields = ProgrammeFields(try #require(try await f.base.read(Reads.programme(unchanged))))
        fields.title = "Renamed"
        _ = try await f.base.write { try await $0.updateProgramme(unchanged, expectedVersion: 1, fields) }
        #expect(try await f.compute() == 0)
        fields.benefitHorizonMonths = 24
        _ = try await f.base.write { try await $0.updateProgramme(unchanged, expectedVersion: 2, fields) }
        #expect(try await f.compute() == 1)
        #expect(try await f.compute(all: true) == 2)
        #expect(try await f.base.read(Reads.latestROI()).map(\.programmeID) == [changed, unchanged])
    }

    @Test func anotherOrganisationsComputationDoesNotTouchThisOne() async throws {
        let f = try await Fixture.make()
        let p = try await f.programme("Ours").id
        try await f.cost(p, .delivery, "1000")
        let other = try await f.base.otherOrganisation()
        _ = try await f.worker.write(other.scope) { try await $0.computeROI() }
        #expect(try await f.base.read(Reads.roiHistory(of: p)).isEmpty)
    }

    /// The set-based SQL and the domain agree on many programmes with the edge cases mixed in: horizons that
    /// do not divide 12, fractional proration, shares above and below one, wrong-direction changes, missing
    /// results, zero unit values, no costs, no measures, no participants.
    @Test func sqlAndSwiftAgreeOnGeneratedProgrammes() async throws {
        let f = try await Fixture.make()
        var random = SplitMix64(seed: 4)
        var ids: [UUID] = []
        for index in 0..<24 {
            let p = try await f.programme("P\(index)", horizon: [12, 24, 5, 7, 1][index % 5]).id
            ids.append(p)
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let category = CostCategory.allCases.randomElement(using: &random)!
                let amount = "\(Int.random(in: 0...90_000, using: &random)).\(Int.random(in: 10...99, using: &random))"
                if category.isProrated && Bool.random(using: &random) {
                    try await f.cost(
                        p, category, amount, used: Decimal(Int.random(in: 0...40, using: &random)) / 4,
                        over: Decimal(Int.random(in: 1...36, using: &random)))
                } else {
                    try await f.cost(p, category, amount)
                }
            }
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let baseline = Int.random(in: 0...500, using: &random)
                try await f.measure(
                    p, "m", baseline: "\(baseline).5",
                    after: Bool.random(using: &random) || index % 7 == 0
                        ? nil : "\(baseline + Int.random(in: -40...60, using: &random)).25",
                    unitValue: index % 6 == 0 ? "0" : "\(Int.random(in: 1...3000, using: &random)).333",
                    direction: Bool.random(using: &random) ? .higherIsBetter : .lowerIsBetter,
                    period: MeasurePeriod.allCases.randomElement(using: &random)!,
                    attribution: "0.\(Int.random(in: 0...9999, using: &random))",
                    confidence: ["1", "0.7", "0.3333", "0"].randomElement(using: &random)!)
            }
            for _ in 0..<Int.random(in: 0...5, using: &random) {
                try await f.participant(
                    p, completed: [true, false, nil].randomElement(using: &random)!,
                    reaction: Bool.random(using: &random) ? "\(Int.random(in: 1...4, using: &random)).5" : nil,
                    learning: Bool.random(using: &random) ? "\(Int.random(in: 0...100, using: &random))" : nil,
                    application: "\(Int.random(in: 0...99, using: &random)).5")
            }
        }
        #expect(try await f.compute() == ids.count)
        for p in ids {
            let sql = try await f.latest(p)
            let swift = ROISnapshot(computing: try await f.inputs(p))
            #expect(figures(sql, scale: 10) == figures(swift, scale: 10), "programme \(p)")
            #expect(sql.unavailableReason == swift.unavailableReason)
            #expect(sql.paybackUnavailableReason == swift.paybackUnavailableReason)
            #expect(sql.participants == swift.participants)
            if let bcr = sql.bcr, let roi = sql.roiPercent {
                // ROI % = (BCR − 1) × 100.
                #expect(
                    MoneyRounding.halfUp.round(roi, scale: 8) == MoneyRounding.halfUp.round((bcr - 1) * 100, scale: 8))
            }
        }
    }
}

/// Every figure of a snapshot, rounded to `scale` places (nil: unrounded), for comparing the SQL and Swift
/// paths: PostgreSQL keeps at least 16 significant digits of a quotient that does not end, Decimal 38.
func figures(_ s: ROISnapshot, scale: Int? = nil) -> [String: Decimal?] {
    func r(_ value: Decimal?) -> Decimal? {
        guard let value, let scale else { return value }
        return MoneyRounding.halfUp.round(value, scale: scale)
    }
    var result: [String: Decimal?] = [
        "total_cost": r(s.totalCost), "annual": r(s.annualBenefits), "benefits": r(s.benefits), "bcr": r(s.bcr),
        "roi": r(s.roiPercent), "payback": r(s.paybackMonths), "completion": r(s.completionRate),
        "level1": r(s.level1Mean), "level2": r(s.level2Mean), "level3": r(s.level3Mean),
    ]
    for (category, amount) in s.costsByCategory { result["cost." + category] = r(amount.wrappedValue) }
    for (index, measure) in s.measures.enumerated() {
        result["measure.\(index).improvement"] = r(measure.improvementPerPeriod)
        result["measure.\(index).annual"] = r(measure.annualBenefit)
    }
    return result
}

/// An exact decimal from its text.
func d(_ text: String) -> Decimal {
    Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
}
