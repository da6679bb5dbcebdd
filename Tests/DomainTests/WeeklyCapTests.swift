import ConcordDomain
import Foundation
import Testing

@Suite struct WeeklyCapTests {
    let monday = instant("2026-03-23T09:00:00+01:00")

    func due(_ reason: NudgeReason, hoursLater: Double, _ name: String) -> DueNudge<String> {
        DueNudge(reason: reason, dueAt: monday + hoursLater * 3600, payload: name)
    }

    var batch: [DueNudge<String>] {
        [
            due(.cadence, hoursLater: 1, "cadence-a"),
            due(.resistance, hoursLater: 5, "resistance"),
            due(.cadence, hoursLater: 0, "cadence-b"),
            due(.outOfLine, hoursLater: 2, "out-of-line"),
            due(.staleRating, hoursLater: 3, "stale"),
            due(.stageChange, hoursLater: 4, "stage"),
            due(.supportDrop, hoursLater: 6, "drop"),
        ]
    }

    @Test func surplusBecomesOneDigest() {
        // Cap 5, already 2 sent: 3 slots → 2 individual + 1 digest of the other 5.
        let plan = WeeklyCap.plan(due: batch, alreadySentThisWeek: 2, cap: 5)
        #expect(plan.individual.map(\.payload) == ["resistance", "drop"])
        #expect(plan.digest.map(\.payload) == ["out-of-line", "stage", "stale", "cadence-b", "cadence-a"])
        #expect(plan.deferred.isEmpty)
        #expect(plan.sendCount == 3)
        #expect(2 + plan.sendCount == 5)
    }

    @Test func everythingFits() {
        let plan = WeeklyCap.plan(due: Array(batch.prefix(3)), alreadySentThisWeek: 2)
        #expect(plan.individual.map(\.payload) == ["resistance", "cadence-b", "cadence-a"])  // cadence by due time
        #expect(plan.digest.isEmpty)
        #expect(plan.sendCount == 3)
    }

    @Test func oneSlotLeftDigestsAll() {
        let plan = WeeklyCap.plan(due: batch, alreadySentThisWeek: 4)
        #expect(plan.individual.isEmpty)
        #expect(plan.digest.count == batch.count)
        #expect(plan.sendCount == 1)
    }

    @Test func capReachedDefersAll() {
        let plan = WeeklyCap.plan(due: batch, alreadySentThisWeek: 5)
        #expect(plan.sendCount == 0)
        #expect(plan.deferred.first?.payload == "resistance")
        #expect(plan.deferred.count == batch.count)
    }

    @Test func explicitPriorityOverridesReason() {
        let urgentCadence = DueNudge(reason: .cadence, priority: 0, dueAt: monday, payload: "urgent")
        let plan = WeeklyCap.plan(due: batch + [urgentCadence], alreadySentThisWeek: 0, cap: 2)
        #expect(plan.individual.map(\.payload) == ["urgent"])
        #expect(plan.digest.first?.payload == "resistance")
    }

    @Test func periodKeys() {
        let created = instant("2026-01-01T00:00:00Z")
        func key(_ reason: NudgeReason, _ now: Date) -> NudgePeriodKey<String> {
            NudgePeriodKey(
                reason: reason, initiative: "init", leader: "lead", now: now,
                initiativeCreatedAt: created, cadenceDays: 14, timeZone: berlin)
        }
        // 28 days after creation / 14-day windows = window 2; one minute earlier is still window 1.
        #expect(key(.cadence, instant("2026-01-29T00:00:00Z")).period == "c2")
        #expect(key(.cadence, instant("2026-01-28T23:59:00Z")).period == "c1")
        #expect(key(.cadence, instant("2025-12-01T00:00:00Z")).period == "c0")
        // Other reasons: the ISO week in the leader's zone; Monday and Sunday of one week share a key.
        let tuesday = key(.outOfLine, instant("2026-03-24T10:00:00+01:00"))
        #expect(tuesday.period == "2026-W13")
        #expect(tuesday == key(.outOfLine, instant("2026-03-29T23:30:00+02:00")))
        #expect(tuesday != key(.outOfLine, instant("2026-03-30T00:30:00+02:00")))
        #expect(tuesday.description == "out_of_line:init:lead:2026-W13")
    }
}
