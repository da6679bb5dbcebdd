import Foundation

/// `Decimal(numerator) / Decimal(denominator)` for the small counts the alignment figures divide, from a table
/// made once with that very division, so every digit is the same: Foundation's long division was 2.3% of the
/// API's CPU on the initiative read (Benchmarks/api, sixth pass). Other operands are divided as before.
@usableFromInline
enum SmallQuotient {
    /// Up to this many required leaders or fresh ratings.
    static let largestDenominator = 32
    /// Numerators up to this many times the denominator: an index has at most 1 (aligned <= required), a mean
    /// of priorities at most 5 (the top priority).
    static let largestRatio = 5

    @usableFromInline
    static func of(_ numerator: Int, by denominator: Int) -> Decimal {
        guard denominator >= 1, denominator <= largestDenominator, numerator >= 0,
            numerator <= largestRatio * denominator
        else {
            return Decimal(numerator) / Decimal(denominator)
        }
        return table[denominator - 1][numerator]
    }

    /// Row d - 1 holds n / d for n in 0...5d: 2,672 divisions on first use.
    private static let table: [[Decimal]] = (1...largestDenominator).map { denominator in
        (0...largestRatio * denominator).map { Decimal($0) / Decimal(denominator) }
    }
}
