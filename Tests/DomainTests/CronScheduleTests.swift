import ConcordDomain
import Foundation
import Testing

@Suite struct CronScheduleTests {
    func cron(_ text: String) throws -> CronSchedule { try CronSchedule(parsing: text) }

    func parseError(_ text: String) -> CronParseError? {
        do {
            _ = try CronSchedule(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesListsRangesStepsAndNames() throws {
        let schedule = try cron("*/15 9-17 * * MON-FRI")
        #expect(schedule.minutes == [0, 15, 30, 45])
        #expect(schedule.hours == Array(9...17))
        #expect(schedule.daysOfWeek == [1, 2, 3, 4, 5])
        #expect(schedule.daysOfMonth == Set(1...31))

        let mixed = try cron("0,30 8-18/5 1,15 jan,Jul 0")
        #expect(mixed.minutes == [0, 30])
        #expect(mixed.hours == [8, 13, 18])
        #expect(mixed.months == [1, 7])
        #expect(mixed.daysOfWeek == [0])

        #expect(try cron("5/20 * * * *").minutes == [5, 25, 45])  // 5-59/20
        #expect(try cron("0 0 * * 7").daysOfWeek == [0])  // 7 is Sunday too
        #expect(try cron("0 0 * * MON-SUN").daysOfWeek == Set(0...6))
        #expect(try cron("  0  0\t* * *  ").hours == [0])
        #expect(try cron("@daily") == cron("0 0 * * *"))
        #expect(try cron("@weekly") != cron("@daily"))
    }

    @Test func errorsNameFieldAndPosition() {
        #expect(
            parseError("61 * * * *")
                == CronParseError(field: .minute, position: 0, kind: .outOfRange(value: 61, allowed: 0...59)))
        #expect(
            parseError("0 0 32 * *")
                == CronParseError(field: .dayOfMonth, position: 4, kind: .outOfRange(value: 32, allowed: 1...31)))
        // "0 0 * * MON-FOO": FOO starts at index 12.
        #expect(
            parseError("0 0 * * MON-FOO") == CronParseError(field: .dayOfWeek, position: 12, kind: .invalidValue("FOO"))
        )
        #expect(parseError("*/0 * * * *") == CronParseError(field: .minute, position: 2, kind: .invalidStep("0")))
        #expect(parseError("0 5-1 * * *") == CronParseError(field: .hour, position: 2, kind: .reversedRange(5, 1)))
        #expect(parseError("1,,2 * * * *") == CronParseError(field: .minute, position: 2, kind: .empty))
        #expect(parseError("* * 1 13 *")?.field == .month)
        #expect(parseError("* * * *") == CronParseError(field: nil, position: 0, kind: .fieldCount(found: 4)))
        #expect(parseError("* * * * * *") == CronParseError(field: nil, position: 10, kind: .fieldCount(found: 6)))
        #expect(parseError("") == CronParseError(field: nil, position: 0, kind: .empty))
        #expect(parseError("@fortnightly")?.kind == .unknownMacro("@fortnightly"))

        let message = parseError("0 0 32 * *")?.description ?? ""
        #expect(message.contains("day-of-month") && message.contains("position 4") && message.contains("1-31"))
    }

    @Test func nextFireIsStrictlyAfter() throws {
        let hourly = try cron("0 * * * *")
        #expect(hourly.nextFire(after: instant("2026-05-01T10:00:00Z"), in: utc) == instant("2026-05-01T11:00:00Z"))
        #expect(hourly.nextFire(after: instant("2026-05-01T09:59:30Z"), in: utc) == instant("2026-05-01T10:00:00Z"))
    }

    @Test func dayOfMonthOrDayOfWeek() throws {
        // Both restricted: the 13th or any Friday. February 2026 starts on a Sunday, so Fridays are 6, 13, 20.
        let either = try cron("0 0 13 * FRI")
        let first = either.nextFire(after: instant("2026-02-01T00:00:00Z"), in: utc)
        #expect(first == instant("2026-02-06T00:00:00Z"))
        #expect(either.nextFire(after: first!, in: utc) == instant("2026-02-13T00:00:00Z"))
        // Only day-of-month restricted: just the 13th.
        #expect(
            try cron("0 0 13 * *").nextFire(after: instant("2026-02-01T00:00:00Z"), in: utc)
                == instant("2026-02-13T00:00:00Z"))
    }

    @Test func impossibleAndRareDates() throws {
        #expect(try cron("0 0 30 2 *").nextFire(after: instant("2026-01-01T00:00:00Z"), in: utc) == nil)
        #expect(
            try cron("0 0 29 2 *").nextFire(after: instant("2026-03-01T00:00:00Z"), in: utc)
                == instant("2028-02-29T00:00:00Z"))
    }

    @Test func springForwardFiresAtTheNextValidMinute() throws {
        let daily = try cron("30 2 * * *")
        // 02:30 does not exist in Berlin on 29 March 2026: fires at 03:00 CEST, the first minute after the gap.
        let skipped = daily.nextFire(after: instant("2026-03-28T12:00:00Z"), in: berlin)
        #expect(skipped == instant("2026-03-29T03:00:00+02:00"))
        // And not again that day.
        #expect(daily.nextFire(after: skipped!, in: berlin) == instant("2026-03-30T02:30:00+02:00"))
    }

    @Test func repeatedHourFiresOnce() throws {
        let daily = try cron("30 2 * * *")
        let first = daily.nextFire(after: instant("2026-10-24T12:00:00Z"), in: berlin)
        #expect(first == instant("2026-10-25T02:30:00+02:00"))
        #expect(daily.nextFire(after: first!, in: berlin) == instant("2026-10-26T02:30:00+01:00"))

        // Every 30 minutes: after the first 02:30 comes 03:00 CET; the second 02:00 and 02:30 are skipped.
        let halfHourly = try cron("*/30 * * * *")
        #expect(halfHourly.nextFire(after: first!, in: berlin) == instant("2026-10-25T03:00:00+01:00"))
    }

    @Test func newYorkWeekdayMorningAcrossDST() throws {
        let morning = try cron("0 9 * * MON-FRI")
        // Friday 10:00 EST → Monday 09:00 EDT (DST began Sunday 8 March).
        #expect(
            morning.nextFire(after: instant("2026-03-06T10:00:00-05:00"), in: newYork)
                == instant("2026-03-09T13:00:00Z"))
        // Friday 10:00 EDT → Monday 09:00 EST (DST ended Sunday 1 November).
        #expect(
            morning.nextFire(after: instant("2026-10-30T10:00:00-04:00"), in: newYork)
                == instant("2026-11-02T14:00:00Z"))
    }
}
