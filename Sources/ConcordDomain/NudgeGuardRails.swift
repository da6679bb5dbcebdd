import Foundation

/// When a leader may be nudged: working days and quiet hours in their own time zone, snooze and opt-out.
public struct NudgeGuardRails: Sendable, Hashable {
    public var timeZone: TimeZone
    /// ISO weekdays, 1 = Monday ... 7 = Sunday.
    public var workingDays: Set<Int>
    public var quietHours: QuietHours?
    public var snoozedUntil: Date?
    public var optedOut: Bool

    /// Monday to Friday.
    public static let weekdays: Set<Int> = [1, 2, 3, 4, 5]

    public init(
        timeZone: TimeZone, workingDays: Set<Int> = weekdays, quietHours: QuietHours? = nil,
        snoozedUntil: Date? = nil, optedOut: Bool = false
    ) {
        self.timeZone = timeZone
        self.workingDays = workingDays
        self.quietHours = quietHours
        self.snoozedUntil = snoozedUntil
        self.optedOut = optedOut
    }

    /// The first instant >= `now` (and >= the snooze end) on a working day outside quiet hours.
    ///
    /// Nil when the leader opted out or has no working days: never send. Moves are made on the wall clock
    /// and resolved per `WallClock`, so "08:00 tomorrow" stays 08:00 across a DST change.
    public func nextAllowedSend(now: Date) -> Date? {
        guard !optedOut, !workingDays.isDisjoint(with: 1...7) else { return nil }
        let clock = WallClock(timeZone: timeZone)
        var candidate = Swift.max(now, snoozedUntil ?? now)
        for _ in 0..<32 {
            let (date, second) = clock.local(candidate)
            let minute = second / 60
            if !workingDays.contains(date.isoWeekday) {
                candidate = clock.instant(date.adding(days: 1), secondOfDay: 0)
            } else if let quiet = quietHours, quiet.contains(minuteOfDay: minute) {
                let endsTomorrow = quiet.wrapsMidnight && minute >= quiet.start.minuteOfDay
                candidate = clock.instant(date.adding(days: endsTomorrow ? 1 : 0), quiet.end, onOrAfter: candidate)
            } else {
                return candidate
            }
        }
        return nil
    }

    /// True when a nudge may go out exactly at `now`.
    public func allowsSend(now: Date) -> Bool { nextAllowedSend(now: now) == now }
}
