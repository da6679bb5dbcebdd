import Foundation

/// How far apart fresh priorities are: a wide spread means leaders disagree even if the index looks fine.
public struct RatingSpread: Sendable, Hashable {
    public let count: Int
    public let min: Int
    public let max: Int
    /// Exact mean of the priorities.
    public let mean: Decimal
    /// Population standard deviation; a display figure, so Double is enough.
    public let standardDeviation: Double

    /// Nil for no priorities: there is no spread of nothing.
    public init?(priorities: [Int]) {
        guard var low = priorities.first else { return nil }
        var high = low
        var sum = 0
        for priority in priorities {
            low = Swift.min(low, priority)
            high = Swift.max(high, priority)
            sum += priority
        }
        let meanDouble = Double(sum) / Double(priorities.count)
        var squares = 0.0
        for priority in priorities { squares += (Double(priority) - meanDouble) * (Double(priority) - meanDouble) }
        count = priorities.count
        min = low
        max = high
        mean = SmallQuotient.of(sum, by: priorities.count)
        standardDeviation = (squares / Double(priorities.count)).squareRoot()
    }
}
