import ConcordDomain
import Foundation
import Testing

/// The index, the spread and the resistance check are computed without Foundation's `Decimal` division and
/// `CharacterSet` on the hot path (a table made with the same division, a spelled-out set): these hold them to
/// Foundation's results, digit for digit and scalar for scalar.
@Suite struct AlignmentFiguresExactTests {
    let now = instant("2026-04-01T12:00:00Z")

    func fresh(_ priority: Int, note: String? = nil) -> AlignmentRating {
        AlignmentRating(priority: priority, buyIn: .committed, ratedAt: now - 86_400, resistanceNote: note)
    }

    /// Same value, same text (what the JSON shows) and the same bits as Foundation's quotient.
    func expectIdentical(_ value: Decimal?, _ numerator: Int, _ denominator: Int) {
        let expected = Decimal(numerator) / Decimal(denominator)
        #expect(value == expected, "\(numerator) / \(denominator)")
        #expect(value?.description == expected.description, "\(numerator) / \(denominator)")
        if let value {
            #expect(
                withUnsafeBytes(of: value) { Array($0) } == withUnsafeBytes(of: expected) { Array($0) },
                "\(numerator) / \(denominator)")
        }
    }

    @Test func indexIsFoundationsQuotientAtEveryCountInAndPastTheTable() {
        // 1 to 40 required leaders (the table stops at 32), every number of them aligned.
        for required in 1...40 {
            let leaders = Array(0..<required)
            for aligned in 0...required {
                var ratings: [Int: AlignmentRating] = [:]
                for leader in leaders { ratings[leader] = fresh(leader < aligned ? 3 : 5) }
                let index = AlignmentIndex(
                    importance: 2, requiredLeaders: leaders, latestRatings: ratings, revisitWindowDays: 30, now: now)
                #expect(index.aligned.count == aligned)
                expectIdentical(index.index, aligned, required)
            }
        }
    }

    @Test func meanIsFoundationsQuotientAndTheRestAsBefore() throws {
        var generator = SystemRandomNumberGenerator()
        // Every count up to past the table, priorities in range and out of it (0, negative, above 5).
        for count in 1...40 {
            for round in 0..<20 {
                let range = round < 15 ? 1...5 : -3...9
                let priorities = (0..<count).map { _ in Int.random(in: range, using: &generator) }
                let spread = try #require(RatingSpread(priorities: priorities))
                let sum = priorities.reduce(0, +)
                expectIdentical(spread.mean, sum, count)
                #expect(spread.count == count)
                #expect(spread.min == priorities.min())
                #expect(spread.max == priorities.max())
                let mean = Double(sum) / Double(count)
                let variance = priorities.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(count)
                #expect(spread.standardDeviation == variance.squareRoot())
            }
        }
        #expect(RatingSpread(priorities: []) == nil)
    }

    @Test func deduplicationKeepsFirstSeenOrderBelowAndAboveTheSearchLimit() {
        for count in [0, 1, 2, 16, 17, 40] {
            let leaders = (0..<count).flatMap { [$0, count - 1 - $0, $0] }
            let index = AlignmentIndex(
                importance: 3, requiredLeaders: leaders, latestRatings: [:], revisitWindowDays: 30, now: now)
            var seen = Set<Int>()
            #expect(index.required == leaders.filter { seen.insert($0).inserted })
            #expect(index.notAligned == index.required)
        }
    }

    @Test func notAlignedIsOutOfLineStaleAndMissingInRequiredOrder() {
        let stale = AlignmentRating(priority: 3, buyIn: .aware, ratedAt: now - 40 * 86_400)
        let index = AlignmentIndex(
            importance: 3, requiredLeaders: ["m1", "o1", "s1", "a1", "o2", "m2", "s2", "a2"],
            latestRatings: ["o1": fresh(5), "s1": stale, "a1": fresh(3), "o2": fresh(1), "s2": stale, "a2": fresh(4)],
            revisitWindowDays: 30, now: now)
        #expect(index.notAligned == ["m1", "o1", "s1", "o2", "m2", "s2"])
        #expect(index.outOfLine == ["o1", "o2"])
        #expect(index.stale == ["s1", "s2"])
        #expect(index.missing == ["m1", "m2"])
    }

    func foundationSaysResistance(_ note: String) -> Bool {
        !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    @Test func resistanceMatchesFoundationsTrimmingForEveryBasicPlaneScalar() {
        // All of the set is in the basic plane; the astral planes are sampled.
        let values = Array(0...0xFFFF) + stride(from: 0x10000, through: 0x10FFFF, by: 251)
        var differ: [UInt32] = []
        for value in values {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { continue }
            let note = String(Character(scalar))
            if fresh(3, note: note).hasResistance != foundationSaysResistance(note) { differ.append(UInt32(value)) }
        }
        #expect(differ.isEmpty, "scalars judged otherwise than by trimming: \(differ.prefix(20))")
    }

    @Test func resistanceMatchesFoundationOnMixedNotes() {
        let notes = [
            "", " ", "  \n", "\t\r\n\u{0B}\u{0C}", "\u{85}", "\u{A0}\u{1680}\u{2000}\u{200A}\u{200B}",
            "\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}", "\u{FEFF}", "\u{200C}", "\u{180E}", " \u{301}", "\u{301}",
            "  worried  ", "no budget\n", "\u{3000}予算がない\u{3000}", "🙅", " 🙅 ", "\r\n", "\u{0}", " \u{7F} ",
        ]
        for note in notes {
            #expect(
                fresh(3, note: note).hasResistance == foundationSaysResistance(note), "\(Array(note.unicodeScalars))")
        }
        #expect(!fresh(3).hasResistance)
    }
}
