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
        guard let low = priorities.min(), let high = priorities.max() else { return nil }
        let sum = priorities.reduce(0, +)
        let meanDouble = Double(sum) / Double(priorities.count)
        let variance =
            priorities.map { (Double($0) - meanDouble) * (Double($0) - meanDouble) }.reduce(0, +)
            / Double(priorities.count)
        count = priorities.count
        min = low
        max = high
        mean = Decimal(sum) / Decimal(priorities.count)
        standardDeviation = variance.squareRoot()
    }
}
