import Foundation

/// How far apart the leader groups are on a readiness question: the highest group mean less the lowest.
/// Where only one group answered there is nothing to compare, so no spread (never 0, which would read as
/// agreement).
public enum ReadinessSpread {
    public static func spread(_ groupMeans: [Decimal]) -> Decimal? {
        guard groupMeans.count >= 2, let high = groupMeans.max(), let low = groupMeans.min() else { return nil }
        return high - low
    }

    /// Largest spread first, questions without one last; ties keep their order (the questionnaire's).
    public static func mostDisagreedFirst<Item>(_ items: [Item], spread: (Item) -> Decimal?) -> [Item] {
        items.enumerated().sorted { a, b in
            switch (spread(a.element), spread(b.element)) {
            case let (x?, y?) where x != y: return x > y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.offset < b.offset
            }
        }.map(\.element)
    }
}
