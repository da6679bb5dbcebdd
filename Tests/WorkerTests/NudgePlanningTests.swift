import ConcordDomain
import ConcordStore
import Foundation
import Testing

@Suite struct NudgePlanningTests {
    /// Wednesday 18 March 2026, 10:00 UTC.
    let now = instant("2026-03-18T10:00:00Z")

    @Test func smoothInitiativeGetsCadenceNudgesForEveryRequiredPair() async throws {
        let f = try await NudgeFixture.make()
        let it = try await f.areaWithHead("IT")
        let quality = try await f.areaWithHead("Quality")
        let marketing = try await f.areaWithHead("Marketing")
        let accountable = try await f.areaWithHead("Brand")
        let created = now.days(-40)
        let erp = try await f.initiative(
            "New ERP", lead: it.area, supporting: [quality.area, marketing.area], createdAt: created,
            lastActivityAt: now.days(-1))
        // Marketing's support is owed by someone else than its head.
        try await f.execute(
            """
            UPDATE initiative_supporting_areas SET accountable_leader_id = \(accountable.leader)::uuid
            WHERE org_id = \(f.orgID)::uuid AND area_id = \(marketing.area)::uuid
            """)
        for leader in [it.leader, quality.leader, accountable.leader] {
            try await f.rate(erp, by: leader, priority: 4, at: now.days(-2))
        }

        let summary = try await f.plan(now: now)
        #expect(summary.planned == [.cadence: 3])

        let expected = NudgePeriodKey(
            reason: .cadence, initiative: erp, leader: it.leader, now: now, initiativeCreatedAt: created,
            cadenceDays: 30, timeZone: TimeZone(identifier: "Europe/Berlin")!
        ).period
        #expect(expected == "c1")
        #expect(
            Set(try await f.nudges())
                == Set(
                    [it.leader, quality.leader, accountable.leader].map {
                        PlannedRow(initiative: erp, leader: $0, reason: "cadence", period: expected, state: "planned")
                    }))

        // Planning again, or twice at once, adds nothing: the pairs are nudged in this window.
        #expect(try await f.plan(now: now).total == 0)
        #expect(try await f.plan(now: now.days(1)).total == 0)
        // The next window revisits everyone again (the initiative is busy, the ratings still fresh).
        try await f.execute(
            "UPDATE initiatives SET last_activity_at = \(created.days(60))::timestamptz WHERE id = \(erp)::uuid")
        #expect(try await f.plan(now: created.days(60.5)).planned == [.cadence: 3])
        #expect(try await f.nudges().filter { $0.period == "c2" }.count == 3)
    }

    @Test func concurrentPlannersNeverInsertTheSameNudgeTwice() async throws {
        let f = try await NudgeFixture.make()
        let it = try await f.areaWithHead("IT")
        let quality = try await f.areaWithHead("Quality")
        let erp = try await f.initiative(
            "New ERP", lead: it.area, supporting: [quality.area], createdAt: now.days(-3), lastActivityAt: now)
        for leader in [it.leader, quality.leader] { try await f.rate(erp, by: leader, priority: 4, at: now) }
        let at = now
        let runs = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { try await f.plan(now: at).total } }
            return try await group.reduce(0, +)
        }
        #expect(runs == 2)
        #expect(try await f.nudges().count == 2)
    }

    @Test func quietInitiativeIsNudgedWhileBusyOneIsNot() async throws {
        let f = try await NudgeFixture.make()
        let it = try await f.areaWithHead("IT")
        let created = now.days(-40)  // the cadence window c1 began 10 days ago
        let quiet = try await f.initiative(
            "Quiet", lead: it.area, quietAfterDays: 7, createdAt: created, lastActivityAt: now.days(-20))
        let busy = try await f.initiative(
            "Busy", lead: it.area, quietAfterDays: 7, createdAt: created, lastActivityAt: now.days(-1))
        for initiative in [quiet, busy] {
            try await f.rate(initiative, by: it.leader, priority: 4, at: now.days(-9))
            // This window's cadence revisit went out 9 days ago.
            try await f.execute(
                """
                INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, state, due_at, created_at)
                VALUES (\(f.orgID)::uuid, \(initiative)::uuid, \(it.leader)::uuid, 'cadence', 'c1', 'skipped',
                        \(now.days(-9))::timestamptz, \(now.days(-9))::timestamptz)
                """)
        }

        #expect(try await f.plan(now: now).planned == [.quietInitiative: 1])
        let week = ISOWeek.containing(now, in: TimeZone(identifier: "Europe/Berlin")!).description
        #expect(
            try await f.nudges().filter { $0.reason != "cadence" }
                == [
                    PlannedRow(
                        initiative: quiet, leader: it.leader, reason: "quiet_initiative", period: week,
                        state: "planned")
                ])
        #expect(try await f.plan(now: now.days(3)).total == 0)
    }

    @Test func outOfLineAndResistanceNudgeTheSponsorAndTheLead() async throws {
        let f = try await NudgeFixture.make()
        // Sunday 22 March 20:00 UTC: still week 12 in Berlin, already Monday of week 13 in Auckland.
        let sunday = instant("2026-03-22T20:00:00Z")
        let it = try await f.areaWithHead("IT")
        let quality = try await f.areaWithHead("Quality")
        let board = try await f.areaWithHead("Board", timezone: "Pacific/Auckland")
        let created = sunday.days(-10)
        let erp = try await f.initiative(
            "New ERP", lead: it.area, supporting: [quality.area], sponsor: board.leader, importance: 5,
            createdAt: created, lastActivityAt: sunday)
        let crm = try await f.initiative(
            "New CRM", lead: it.area, supporting: [quality.area], sponsor: board.leader, importance: 4,
            createdAt: created, lastActivityAt: sunday)
        try await f.rate(erp, by: it.leader, priority: 5, at: sunday.days(-1))
        try await f.rate(crm, by: it.leader, priority: 4, at: sunday.days(-1))
        // Quality rates ERP far below its importance, and resists CRM though it rates it in line.
        try await f.rate(erp, by: quality.leader, priority: 2, at: sunday.days(-1))
        try await f.rate(crm, by: quality.leader, priority: 4, at: sunday.days(-1), resistance: "no staff to test")

        let summary = try await f.plan(now: sunday)
        #expect(summary.planned == [.outOfLine: 2, .resistance: 2, .cadence: 2])

        let berlinWeek = ISOWeek.containing(sunday, in: TimeZone(identifier: "Europe/Berlin")!).description
        let aucklandWeek = ISOWeek.containing(sunday, in: TimeZone(identifier: "Pacific/Auckland")!).description
        #expect((berlinWeek, aucklandWeek) == ("2026-W12", "2026-W13"))
        let rows = Set(try await f.nudges())
        for (initiative, reason) in [(erp, "out_of_line"), (crm, "resistance")] {
            #expect(
                rows.contains(
                    .init(
                        initiative: initiative, leader: board.leader, reason: reason,
                        period: aucklandWeek, state: "planned")))
            #expect(
                rows.contains(
                    .init(
                        initiative: initiative, leader: it.leader, reason: reason,
                        period: berlinWeek, state: "planned")))
            // The rater is revisited on the cadence, not told about their own rating.
            #expect(
                rows.contains(
                    .init(
                        initiative: initiative, leader: quality.leader, reason: "cadence",
                        period: "c0", state: "planned")))
        }
        // The same ratings nudge nobody again; a new out-of-line rating does.
        #expect(try await f.plan(now: sunday.days(1)).total == 0)
        // (A week later, so neither leader has an out-of-line nudge in that week yet.)
        try await f.rate(erp, by: quality.leader, priority: 1, at: sunday.days(7))
        #expect(try await f.plan(now: sunday.days(7.5)).planned == [.outOfLine: 2])
    }

    @Test func stageChangeRevisitsEverySupportingLeader() async throws {
        let f = try await NudgeFixture.make()
        let it = try await f.areaWithHead("IT")
        let quality = try await f.areaWithHead("Quality")
        let training = try await f.areaWithHead("Training")
        let start = Date()
        let erp = try await f.initiative(
            "New ERP", lead: it.area, supporting: [quality.area, training.area], createdAt: start.days(-5),
            lastActivityAt: start)
        for leader in [it.leader, quality.leader, training.leader] {
            try await f.rate(erp, by: leader, priority: 4, at: start.days(-1))
        }
        #expect(try await f.plan(now: start).planned == [.cadence: 3])

        try await f.execute(
            "UPDATE initiatives SET stage = 'implementing' WHERE org_id = \(f.orgID)::uuid AND id = \(erp)::uuid")
        let later = Date().addingTimeInterval(1)
        #expect(try await f.plan(now: later).planned == [.stageChange: 2])
        let revisited = try await f.nudges().filter { $0.reason == "stage_change" }.map(\.leader)
        #expect(Set(revisited) == [quality.leader, training.leader])
        #expect(try await f.plan(now: later.addingTimeInterval(60)).total == 0)
    }

    @Test func closedAndProposedInitiativesAreNotNudged() async throws {
        let f = try await NudgeFixture.make()
        let it = try await f.areaWithHead("IT")
        for stage in ["proposed", "closed"] {
            _ = try await f.initiative(
                stage, lead: it.area, stage: stage, createdAt: now.days(-40), lastActivityAt: now.days(-40))
        }
        #expect(try await f.plan(now: now).total == 0)
    }
}
