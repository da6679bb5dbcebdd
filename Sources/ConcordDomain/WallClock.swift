import Foundation

/// Converts between instants and wall-clock times in one time zone, with explicit DST rules.
///
/// A local time skipped by spring-forward resolves to the first instant after the gap; a local time
/// repeated by fall-back resolves to its first occurrence.
public struct WallClock: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The local date and second of day (0...86399) at `instant`; sub-seconds are dropped.
    public func local(_ instant: Date) -> (date: CivilDate, secondOfDay: Int) {
        let offset = timeZone.secondsFromGMT(for: instant)
        let naive = Int(instant.timeIntervalSince1970.rounded(.down)) + offset
        let days = Int((Double(naive) / 86_400).rounded(.down))
        return (CivilDate(daysSinceEpoch: days), naive - days * 86_400)
    }

    /// The instant the wall clock shows `date` at `secondOfDay` (may exceed a day; it carries over).
    ///
    /// With `bound`, a repeated time resolves to the first occurrence at or after it, so a caller moving
    /// forward never goes back in time.
    public func instant(_ date: CivilDate, secondOfDay: Int, onOrAfter bound: Date? = nil) -> Date {
        let naive = date.daysSinceEpoch * 86_400 + secondOfDay
        let before = offset(at: naive - 86_400)
        let after = offset(at: naive + 86_400)
        let valid = Set([before, after]).map { naive - $0 }.filter { offset(at: $0) == naive - $0 }.sorted()
        if let first = valid.first {
            let floor = bound.map { Int($0.timeIntervalSince1970.rounded(.up)) } ?? Int.min
            return Date(timeIntervalSince1970: TimeInterval(valid.first { $0 >= floor } ?? first))
        }
        // In a gap: find the transition, the first instant whose offset is the later one.
        var low = naive - Swift.max(before, after)
        var high = naive - Swift.min(before, after)
        guard offset(at: low) != offset(at: high) else { return Date(timeIntervalSince1970: TimeInterval(low)) }
        let target = offset(at: high)
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if offset(at: mid) == target { high = mid } else { low = mid }
        }
        return Date(timeIntervalSince1970: TimeInterval(high))
    }

    /// The instant of `time` on `date`, DST rules as above.
    public func instant(_ date: CivilDate, _ time: LocalTime, onOrAfter bound: Date? = nil) -> Date {
        instant(date, secondOfDay: time.minuteOfDay * 60, onOrAfter: bound)
    }

    private func offset(at seconds: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
