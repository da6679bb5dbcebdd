import Foundation

/// An ISO 8601 week (Monday to Sunday; week 1 holds the year's first Thursday).
public struct ISOWeek: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let week: Int

    public init(year: Int, week: Int) {
        self.year = year
        self.week = week
    }

    /// The ISO week of a calendar date.
    public init(_ date: CivilDate) {
        let thursday = date.adding(days: 4 - date.isoWeekday)
        let january1 = CivilDate(year: thursday.year, month: 1, day: 1)!
        year = thursday.year
        week = (thursday.daysSinceEpoch - january1.daysSinceEpoch) / 7 + 1
    }

    /// The ISO week containing `instant` on the wall clock of `timeZone`.
    public static func containing(_ instant: Date, in timeZone: TimeZone) -> ISOWeek {
        ISOWeek(WallClock(timeZone: timeZone).local(instant).date)
    }

    /// The Monday that starts this week.
    public var monday: CivilDate {
        let january4 = CivilDate(year: year, month: 1, day: 4)!
        return january4.adding(days: 1 - january4.isoWeekday + (week - 1) * 7)
    }

    /// Local Monday 00:00 to the next Monday 00:00, for counting nudges already sent this week.
    public func interval(in timeZone: TimeZone) -> DateInterval {
        let clock = WallClock(timeZone: timeZone)
        return DateInterval(
            start: clock.instant(monday, secondOfDay: 0), end: clock.instant(monday.adding(days: 7), secondOfDay: 0))
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool { (lhs.year, lhs.week) < (rhs.year, rhs.week) }

    /// e.g. "2026-W13".
    public var description: String { "\(year)-W\(week < 10 ? "0" : "")\(week)" }
}
