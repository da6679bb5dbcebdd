import ConcordDomain
import Foundation
import Testing

@Suite struct CalendarTests {
    @Test func civilDateAgreesWithFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        // Every 37th day from 1900 to 2100, checked against Foundation's calendar.
        for days in stride(from: -25_567, through: 47_482, by: 37) {
            let date = CivilDate(daysSinceEpoch: days)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: TimeInterval(days) * 86_400))
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day)
            #expect(date.isoWeekday == (parts.weekday! + 5) % 7 + 1)  // Foundation: 1 = Sunday
            #expect(date.daysSinceEpoch == days)
        }
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2028, month: 2, day: 29) != nil)
    }

    @Test func wallClockAgreesWithFoundationAcrossDST() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = berlin
        let clock = WallClock(timeZone: berlin)
        // Every 17 minutes across both 2026 transitions.
        for start in [instant("2026-03-28T00:00:00Z"), instant("2026-10-24T00:00:00Z")] {
            for step in 0..<300 {
                let moment = start + TimeInterval(step * 17 * 60)
                let local = clock.local(moment)
                let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: moment)
                #expect(local.date.day == parts.day && local.secondOfDay == parts.hour! * 3600 + parts.minute! * 60)
            }
        }
    }

    @Test func wallClockResolvesGapsAndRepeats() {
        let clock = WallClock(timeZone: berlin)
        let spring = CivilDate(year: 2026, month: 3, day: 29)!
        let autumn = CivilDate(year: 2026, month: 10, day: 25)!
        // 02:30 does not exist on 29 March: the clock jumps from 02:00 CET to 03:00 CEST at 01:00Z.
        #expect(clock.instant(spring, LocalTime(hour: 2, minute: 30)!) == instant("2026-03-29T01:00:00Z"))
        // 02:30 happens twice on 25 October: first at +02:00 (00:30Z), then at +01:00 (01:30Z).
        let twice = LocalTime(hour: 2, minute: 30)!
        #expect(clock.instant(autumn, twice) == instant("2026-10-25T02:30:00+02:00"))
        #expect(
            clock.instant(autumn, twice, onOrAfter: instant("2026-10-25T01:00:00Z"))
                == instant("2026-10-25T02:30:00+01:00"))
    }

    @Test func isoWeeks() {
        #expect(ISOWeek(CivilDate(year: 2026, month: 1, day: 1)!).description == "2026-W01")  // a Thursday
        #expect(ISOWeek(CivilDate(year: 2027, month: 1, day: 1)!).description == "2026-W53")  // a Friday
        #expect(ISOWeek(CivilDate(year: 2024, month: 12, day: 30)!).description == "2025-W01")  // a Monday
        #expect(ISOWeek(year: 2026, week: 13).monday == CivilDate(year: 2026, month: 3, day: 23))
        // Sunday 22:00 in New York is already Monday in UTC.
        let lateSunday = instant("2026-03-15T22:00:00-04:00")
        #expect(ISOWeek.containing(lateSunday, in: newYork) == ISOWeek(year: 2026, week: 11))
        #expect(ISOWeek.containing(lateSunday, in: utc) == ISOWeek(year: 2026, week: 12))
    }

    @Test func isoWeekIntervalFollowsLocalMidnights() {
        // 2026-W13 in Berlin: Monday 23 March 00:00 CET to Monday 30 March 00:00 CEST, one hour short of 7 days.
        let interval = ISOWeek(year: 2026, week: 13).interval(in: berlin)
        #expect(interval.start == instant("2026-03-23T00:00:00+01:00"))
        #expect(interval.end == instant("2026-03-30T00:00:00+02:00"))
        #expect(interval.duration == 7 * 86_400 - 3_600)
    }

    @Test func localTimeParsing() {
        #expect(LocalTime("19:00") == LocalTime(hour: 19))
        #expect(LocalTime("08:30:00")?.minuteOfDay == 8 * 60 + 30)
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("7") == nil)
        #expect(LocalTime(hour: 7, minute: 5)?.description == "07:05")
    }
}
