import ConcordDomain
import Foundation
import Testing

@Suite struct NudgeGuardRailsTests {
    let evening = QuietHours(start: LocalTime(hour: 19)!, end: LocalTime(hour: 8)!)
    let everyDay: Set<Int> = [1, 2, 3, 4, 5, 6, 7]

    @Test func quietHoursWrapPastMidnight() {
        #expect(evening.wrapsMidnight)
        #expect(evening.contains(minuteOfDay: 23 * 60))
        #expect(evening.contains(minuteOfDay: 0))
        #expect(evening.contains(minuteOfDay: 7 * 60 + 59))
        #expect(!evening.contains(minuteOfDay: 8 * 60))
        #expect(!evening.contains(minuteOfDay: 18 * 60 + 59))
        #expect(!QuietHours(start: LocalTime(hour: 9)!, end: LocalTime(hour: 9)!).contains(minuteOfDay: 9 * 60))

        let rails = NudgeGuardRails(timeZone: berlin, workingDays: everyDay, quietHours: evening)
        // Wednesday 21:30 CET → Thursday 08:00 CET.
        #expect(
            rails.nextAllowedSend(now: instant("2026-01-14T21:30:00+01:00")) == instant("2026-01-15T08:00:00+01:00"))
        // 06:00 is quiet too, but ends the same morning.
        #expect(
            rails.nextAllowedSend(now: instant("2026-01-15T06:00:00+01:00")) == instant("2026-01-15T08:00:00+01:00"))
        // Midday: now itself.
        let noon = instant("2026-01-15T12:00:00+01:00")
        #expect(rails.nextAllowedSend(now: noon) == noon)
        #expect(rails.allowsSend(now: noon))
    }

    @Test func berlinSpringForward() {
        let rails = NudgeGuardRails(timeZone: berlin, workingDays: everyDay, quietHours: evening)
        // Saturday 20:00 CET; 08:00 on Sunday is CEST, so 06:00Z, not the 07:00Z that "+12 hours" gives.
        let next = rails.nextAllowedSend(now: instant("2026-03-28T20:00:00+01:00"))
        #expect(next == instant("2026-03-29T08:00:00+02:00"))
        #expect(next == instant("2026-03-29T06:00:00Z"))

        // Quiet hours ending at 02:30, a time that does not exist that night: the next valid minute, 03:00 CEST.
        let night = NudgeGuardRails(
            timeZone: berlin, workingDays: everyDay,
            quietHours: QuietHours(start: LocalTime(hour: 1)!, end: LocalTime(hour: 2, minute: 30)!))
        #expect(
            night.nextAllowedSend(now: instant("2026-03-29T01:30:00+01:00")) == instant("2026-03-29T03:00:00+02:00"))
    }

    @Test func berlinFallBack() {
        let rails = NudgeGuardRails(timeZone: berlin, workingDays: everyDay, quietHours: evening)
        // Saturday 20:00 CEST → Sunday 08:00 CET = 07:00Z.
        #expect(rails.nextAllowedSend(now: instant("2026-10-24T20:00:00+02:00")) == instant("2026-10-25T07:00:00Z"))

        // Quiet 02:00-02:30 during the repeated hour: from the second 02:10 (CET) we wait for the second 02:30,
        // never going back to the first one, which has passed.
        let short = NudgeGuardRails(
            timeZone: berlin, workingDays: everyDay,
            quietHours: QuietHours(start: LocalTime(hour: 2)!, end: LocalTime(hour: 2, minute: 30)!))
        let secondPass = instant("2026-10-25T02:10:00+01:00")
        #expect(short.nextAllowedSend(now: secondPass) == instant("2026-10-25T02:30:00+01:00"))
        let firstPass = instant("2026-10-25T02:10:00+02:00")
        #expect(short.nextAllowedSend(now: firstPass) == instant("2026-10-25T02:30:00+02:00"))
    }

    @Test func newYorkWorkingDaysAcrossDST() {
        let rails = NudgeGuardRails(
            timeZone: newYork, workingDays: NudgeGuardRails.weekdays,
            quietHours: QuietHours(start: LocalTime(hour: 17)!, end: LocalTime(hour: 9)!))
        // Friday 18:00 EST → skip the weekend (DST starts Sunday 8 March) → Monday 09:00 EDT.
        #expect(rails.nextAllowedSend(now: instant("2026-03-06T18:00:00-05:00")) == instant("2026-03-09T13:00:00Z"))
        // Friday 18:00 EDT → Monday 09:00 EST after DST ends Sunday 1 November.
        #expect(rails.nextAllowedSend(now: instant("2026-10-30T18:00:00-04:00")) == instant("2026-11-02T14:00:00Z"))
    }

    @Test func snoozeOptOutAndNoWorkingDays() {
        let now = instant("2026-01-14T10:00:00+01:00")  // a Wednesday
        let snoozed = NudgeGuardRails(
            timeZone: berlin, quietHours: evening, snoozedUntil: instant("2026-01-16T20:00:00+01:00"))
        // Snooze ends Friday 20:00 (quiet); Saturday and Sunday are not working days → Monday 08:00.
        #expect(snoozed.nextAllowedSend(now: now) == instant("2026-01-19T08:00:00+01:00"))
        // A snooze in the past changes nothing.
        let expired = NudgeGuardRails(timeZone: berlin, snoozedUntil: now - 3600)
        #expect(expired.nextAllowedSend(now: now) == now)

        #expect(NudgeGuardRails(timeZone: berlin, optedOut: true).nextAllowedSend(now: now) == nil)
        #expect(NudgeGuardRails(timeZone: berlin, workingDays: []).nextAllowedSend(now: now) == nil)
        #expect(NudgeGuardRails(timeZone: berlin, workingDays: [0, 8]).nextAllowedSend(now: now) == nil)
    }
}
