import ConcordDomain
import Foundation
import Testing

@Suite struct AlignmentIndexTests {
    let now = instant("2026-04-01T12:00:00Z")
    let day: TimeInterval = 86_400

    func rating(_ priority: Int, daysAgo: Double, buyIn: BuyIn = .committed, note: String? = nil) -> AlignmentRating {
        AlignmentRating(priority: priority, buyIn: buyIn, ratedAt: now - daysAgo * day, resistanceNote: note)
    }

    @Test func freshStaleMissingAndOutOfLine() throws {
        let ratings: [String: AlignmentRating] = [
            "it": rating(4, daysAgo: 2),  // |4-4| = 0: aligned
            "quality": rating(5, daysAgo: 10),  // |5-4| = 1: aligned
            "comms": rating(2, daysAgo: 5, note: "no budget this quarter"),  // |2-4| = 2: out of line
            "training": rating(4, daysAgo: 31),  // older than 30 days: stale
            "ops": rating(3, daysAgo: 30),  // exactly 30 days: still fresh, |3-4| = 1: aligned
            "finance": rating(1, daysAgo: 1),  // not required: ignored
        ]
        let result = AlignmentIndex(
            importance: 4,
            requiredLeaders: ["it", "quality", "comms", "training", "hr", "ops", "it"],  // "it" twice
            latestRatings: ratings, revisitWindowDays: 30, now: now)

        #expect(result.required == ["it", "quality", "comms", "training", "hr", "ops"])
        #expect(result.aligned == ["it", "quality", "ops"])
        #expect(result.outOfLine == ["comms"])
        #expect(result.stale == ["training"])
        #expect(result.missing == ["hr"])
        #expect(result.resisting == ["comms"])
        #expect(result.notAligned == ["comms", "training", "hr"])
        #expect(result.index == Decimal(3) / Decimal(6))  // 3 aligned of 6 required
        #expect(result.index == dec("0.5"))

        // Fresh priorities: 4, 5, 2, 3.
        let spread = try #require(result.spread)
        #expect(spread.count == 4)
        #expect(spread.min == 2)
        #expect(spread.max == 5)
        #expect(spread.mean == Decimal(4 + 5 + 2 + 3) / 4)
        // Deviations from 3.5: 0.5, 1.5, -1.5, -0.5 → squares sum to 5, variance 5/4.
        #expect(abs(spread.standardDeviation - (5.0 / 4.0).squareRoot()) < 1e-12)
    }

    @Test func noRequiredLeadersMeansNoData() {
        let result = AlignmentIndex<String>(
            importance: 3, requiredLeaders: [], latestRatings: [:], revisitWindowDays: 30, now: now)
        #expect(result.index == nil)
        #expect(result.spread == nil)
    }

    @Test func nobodyRatedIsZeroNotUnknown() {
        let result = AlignmentIndex<String>(
            importance: 3, requiredLeaders: ["a", "b"], latestRatings: [:], revisitWindowDays: 30, now: now)
        #expect(result.index == 0)
        #expect(result.missing == ["a", "b"])
        #expect(result.spread == nil)
    }

    @Test func whitespaceNoteIsNotResistance() {
        #expect(!rating(4, daysAgo: 1, note: "  \n").hasResistance)
        #expect(rating(4, daysAgo: 1, note: "worried").hasResistance)
    }

    @Test func supportDropOnPriorityOrBuyIn() throws {
        let drop = try #require(SupportDrop.detect(previous: rating(5, daysAgo: 20), newest: rating(3, daysAgo: 1)))
        #expect(drop.priorityDrop == 2)
        #expect(!drop.buyInWentBack)

        #expect(SupportDrop.detect(previous: rating(5, daysAgo: 20), newest: rating(4, daysAgo: 1)) == nil)

        let back = try #require(
            SupportDrop.detect(
                previous: rating(4, daysAgo: 20, buyIn: .committed), newest: rating(4, daysAgo: 1, buyIn: .aware)))
        #expect(back.buyInWentBack)
        #expect(back.priorityDrop == 0)

        // Rising buy-in with a 1-point dip is not a drop.
        #expect(
            SupportDrop.detect(
                previous: rating(4, daysAgo: 20, buyIn: .aware), newest: rating(3, daysAgo: 1, buyIn: .acting)) == nil)
    }
}
