import Foundation

/// The share of an initiative's required leaders who are fresh and within 1 of its importance.
///
/// Stale or missing ratings count as not aligned: where there is no data we assume nothing.
public struct AlignmentIndex<LeaderID: Hashable & Sendable>: Sendable {
    /// Aligned / required as a fraction 0...1; nil when nobody is required ("no data", not 1).
    public let index: Decimal?
    /// Required leaders after de-duplication, in first-seen order.
    public let required: [LeaderID]
    /// Fresh and |priority - importance| <= 1.
    public let aligned: [LeaderID]
    /// Fresh but |priority - importance| > 1.
    public let outOfLine: [LeaderID]
    /// Latest rating older than the revisit window.
    public let stale: [LeaderID]
    /// Never rated.
    public let missing: [LeaderID]
    /// Leaders who count against the index for any reason (out of line, stale or missing), in required order.
    public let notAligned: [LeaderID]
    /// Fresh ratings carrying a resistance note, so the sponsor and the lead can be told.
    public let resisting: [LeaderID]
    /// Spread of fresh priorities; nil when no rating is fresh.
    public let spread: RatingSpread?

    /// Widest gap between priority and importance that still counts as aligned.
    public static var tolerance: Int { 1 }

    /// Computes the index; ratings of leaders who are not required are ignored.
    // Specialised for the store's UUIDs: called from another module, the generic body hashed, compared and
    // copied every leader through witness tables.
    @_specialize(where LeaderID == UUID)
    public init(
        importance: Int,
        requiredLeaders: [LeaderID],
        latestRatings: [LeaderID: AlignmentRating],
        revisitWindowDays: Int,
        now: Date
    ) {
        let required = Self.firstOccurrences(requiredLeaders)
        var aligned: [LeaderID] = []
        var outOfLine: [LeaderID] = []
        var stale: [LeaderID] = []
        var missing: [LeaderID] = []
        var notAligned: [LeaderID] = []
        var resisting: [LeaderID] = []
        var freshPriorities: [Int] = []
        for leader in required {
            guard let rating = latestRatings[leader] else {
                missing.append(leader)
                notAligned.append(leader)
                continue
            }
            guard rating.isFresh(revisitWindowDays: revisitWindowDays, now: now) else {
                stale.append(leader)
                notAligned.append(leader)
                continue
            }
            freshPriorities.append(rating.priority)
            if rating.hasResistance { resisting.append(leader) }
            if abs(rating.priority - importance) <= Self.tolerance {
                aligned.append(leader)
            } else {
                outOfLine.append(leader)
                notAligned.append(leader)
            }
        }
        self.index = required.isEmpty ? nil : SmallQuotient.of(aligned.count, by: required.count)
        self.required = required
        self.aligned = aligned
        self.outOfLine = outOfLine
        self.stale = stale
        self.missing = missing
        self.notAligned = notAligned
        self.resisting = resisting
        self.spread = RatingSpread(priorities: freshPriorities)
    }

    /// The leaders without repeats, in first-seen order. A handful is searched rather than hashed into a set.
    private static func firstOccurrences(_ leaders: [LeaderID]) -> [LeaderID] {
        guard leaders.count > 16 else {
            var unique: [LeaderID] = []
            unique.reserveCapacity(leaders.count)
            for leader in leaders where !unique.contains(leader) { unique.append(leader) }
            return unique
        }
        var seen = Set<LeaderID>()
        return leaders.filter { seen.insert($0).inserted }
    }
}
