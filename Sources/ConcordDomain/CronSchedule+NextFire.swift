import Foundation

extension CronSchedule {
    /// How far ahead to look before concluding a schedule never fires (`0 0 30 2 *`).
    static let searchYears = 10

    /// The first fire time strictly after `date`, on the wall clock of `timeZone`; nil if it never fires.
    ///
    /// DST: a local time skipped by spring-forward fires at the first instant after the gap (the next
    /// valid minute); a local time repeated by fall-back fires once, at its first occurrence.
    public func nextFire(after date: Date, in timeZone: TimeZone) -> Date? {
        let clock = WallClock(timeZone: timeZone)
        var (day, second) = clock.local(date)
        var minute = second / 60 + 1
        let lastYear = day.year + Self.searchYears
        while day.year <= lastYear {
            if !months.contains(day.month) {
                let next = day.month == 12 ? (day.year + 1, 1) : (day.year, day.month + 1)
                day = CivilDate(year: next.0, month: next.1, day: 1)!
                minute = 0
            } else if !matches(day) || minute >= 1440 {
                day = day.adding(days: 1)
                minute = 0
            } else if let found = firstTime(from: minute) {
                let instant = clock.instant(day, secondOfDay: found * 60)
                if instant > date { return instant }
                minute = found + 1  // the first occurrence of a repeated hour is already past
            } else {
                day = day.adding(days: 1)
                minute = 0
            }
        }
        return nil
    }

    /// The first matching minute of the day at or after `minuteOfDay`.
    private func firstTime(from minuteOfDay: Int) -> Int? {
        let (hour, minute) = (minuteOfDay / 60, minuteOfDay % 60)
        for h in hours where h >= hour {
            if let m = minutes.first(where: { h > hour || $0 >= minute }) { return h * 60 + m }
        }
        return nil
    }
}
