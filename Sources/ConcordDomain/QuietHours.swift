/// A leader's do-not-disturb window in local time, possibly wrapping past midnight (19:00-08:00).
public struct QuietHours: Sendable, Hashable, Codable {
    /// First quiet minute.
    public let start: LocalTime
    /// First minute allowed again.
    public let end: LocalTime

    /// `start == end` means no quiet hours at all, not a whole quiet day.
    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    public var wrapsMidnight: Bool { start > end }

    /// True when `minuteOfDay` (0...1439) falls in [start, end).
    public func contains(minuteOfDay minute: Int) -> Bool {
        if start == end { return false }
        if wrapsMidnight { return minute >= start.minuteOfDay || minute < end.minuteOfDay }
        return minute >= start.minuteOfDay && minute < end.minuteOfDay
    }
}
