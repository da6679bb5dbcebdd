import ConcordDomain
import ConcordStore
import Foundation
import Testing

@Suite struct AlignmentDetailTests {
    static let day: TimeInterval = 86_400

    @Test func detailComputesTheIndexFromFreshStaleMissingAndOutOfLineRatings() async throws {
        let f = try await StoreFixture.make()
        let now = Date()
        let (it, ann) = try await f.areaWithHead("IT", head: "Ann")
        let (quality, bob) = try await f.areaWithHead("Quality", head: "Bob")
        let (marketing, cat) = try await f.areaWithHead("Marketing", head: "Cat")
        let dan = try await f.leader("Dan", area: marketing.id)
        let (training, eve) = try await f.areaWithHead("Training", head: "Eve")
        // Ann heads HR too: she is required once, through the lead area.
        let hr = try await f.area("HR", head: ann.id)
        let initiative = try await f.initiative(
            "New ERP", lead: it.id, importance: 4,
            supporting: [
                SupportingArea(areaID: quality.id, support: "define requirements and test"),
                SupportingArea(areaID: marketing.id, support: "communicate", accountableLeaderID: dan.id),
                SupportingArea(areaID: hr.id, support: "revise job descriptions"),
                SupportingArea(areaID: training.id, support: "train staff"),
            ])

        _ = try await f.write { tx in
            try await tx.recordRatings([
                // Ann's older answer is out of line, her latest (which counts) is aligned.
                NewRating(initiativeID: initiative.id, leaderID: ann.id, priority: 1, ratedAt: now - 10 * Self.day),
                NewRating(
                    initiativeID: initiative.id, leaderID: ann.id, priority: 5, buyIn: .committed,
                    ratedAt: now - 1 * Self.day),
                NewRating(
                    initiativeID: initiative.id, leaderID: bob.id, priority: 1, resistanceNote: "no budget",
                    ratedAt: now - 2 * Self.day),
                NewRating(initiativeID: initiative.id, leaderID: dan.id, priority: 4, ratedAt: now - 40 * Self.day),
                // Cat is not required (Dan answers for Marketing): her rating is ignored.
                NewRating(initiativeID: initiative.id, leaderID: cat.id, priority: 4, ratedAt: now - 1 * Self.day),
            ])
        }

        let detail = try #require(try await f.read(Reads.initiativeDetail(initiative.id, now: now)))
        #expect(detail.initiative == initiative)
        #expect(detail.leadArea.id == it.id)
        #expect(Set(detail.supportingAreas.map(\.area.id)) == [quality.id, marketing.id, hr.id, training.id])
        #expect(detail.supportingAreas.first { $0.area.id == marketing.id }?.accountableLeaderID == dan.id)
        #expect(detail.requiredLeaders.map(\.leaderID).first == ann.id)
        #expect(detail.requiredLeaders.count == 4)
        #expect(Set(detail.requiredLeaders.map(\.leaderID)) == [ann.id, bob.id, dan.id, eve.id])
        #expect(detail.requiredLeaders.first { $0.leaderID == ann.id }?.latestRating?.priority == 5)
        #expect(detail.requiredLeaders.first { $0.leaderID == ann.id }?.latestRating?.buyIn == .committed)
        #expect(detail.requiredLeaders.first { $0.leaderID == eve.id }?.latestRating == nil)

        let alignment = detail.alignment
        #expect(alignment.revisitWindowDays == 30)
        #expect(alignment.index == Decimal(1) / Decimal(4))
        #expect(alignment.aligned == [ann.id])
        #expect(alignment.outOfLine == [bob.id])
        #expect(alignment.stale == [dan.id])
        #expect(alignment.missing == [eve.id])
        #expect(alignment.resisting == [bob.id])
        #expect(alignment.spread?.count == 2)
        #expect(alignment.spread?.min == 1)
        #expect(alignment.spread?.max == 5)
        #expect(alignment.spread?.mean == 3)

        // A longer revisit cadence on the initiative makes Dan's 40-day-old rating fresh, and aligned.
        var changes = InitiativeChanges(initiative)
        changes.revisitCadenceDays = 60
        _ = try await f.write { try await $0.updateInitiative(initiative.id, expectedVersion: 1, changes) }
        let wider = try #require(try await f.read(Reads.initiativeDetail(initiative.id, now: now))).alignment
        #expect(wider.revisitWindowDays == 60)
        #expect(wider.aligned == [ann.id, dan.id])
        #expect(wider.stale.isEmpty)
        #expect(wider.index == Decimal(1) / Decimal(2))
    }

    @Test func anInitiativeWithoutRequiredLeadersHasNoIndex() async throws {
        let f = try await StoreFixture.make()
        let headless = try await f.area("Operations")
        let initiative = try await f.initiative("Lean", lead: headless.id)
        let detail = try #require(try await f.read(Reads.initiativeDetail(initiative.id, now: Date())))
        #expect(detail.requiredLeaders.isEmpty)
        #expect(detail.alignment.index == nil)
    }

    @Test func staleAlignmentFilterFindsInitiativesNeedingARevisit() async throws {
        let f = try await StoreFixture.make()
        let now = Date()
        let (it, ann) = try await f.areaWithHead("IT", head: "Ann")
        let fresh = try await f.initiative("Fresh", lead: it.id)
        let stale = try await f.initiative("Stale", lead: it.id)
        let unrated = try await f.initiative("Unrated", lead: it.id)
        _ = try await f.write { tx in
            try await tx.recordRatings([
                NewRating(initiativeID: fresh.id, leaderID: ann.id, priority: 3, ratedAt: now - Self.day),
                NewRating(initiativeID: stale.id, leaderID: ann.id, priority: 3, ratedAt: now - 31 * Self.day),
            ])
        }
        let page = try PageRequest(limit: 10)
        let needing = try await f.read(
            Reads.initiatives(InitiativeFilter(hasStaleAlignment: true), page: page, now: now))
        #expect(Set(needing.items.map(\.id)) == [stale.id, unrated.id])
        let aligned = try await f.read(
            Reads.initiatives(InitiativeFilter(hasStaleAlignment: false), page: page, now: now))
        #expect(aligned.items.map(\.id) == [fresh.id])
    }

    @Test func ratingHistoryIsNewestFirstAndLatestIsOnePerLeader() async throws {
        let f = try await StoreFixture.make()
        let now = Date()
        let (it, ann) = try await f.areaWithHead("IT", head: "Ann")
        let bob = try await f.leader("Bob")
        let initiative = try await f.initiative("ERP", lead: it.id)
        let recorded = try await f.write { tx in
            try await tx.recordRatings([
                NewRating(initiativeID: initiative.id, leaderID: ann.id, priority: 2, ratedAt: now - 3 * Self.day),
                NewRating(
                    initiativeID: initiative.id, leaderID: ann.id, priority: 4, source: .workshop,
                    ratedAt: now - Self.day),
                NewRating(initiativeID: initiative.id, leaderID: bob.id, priority: 5, ratedAt: now - 2 * Self.day),
            ])
        }
        #expect(recorded.map(\.priority) == [2, 4, 5])
        #expect(recorded.allSatisfy { $0.recordedBy == "test" })
        let history = try await f.read(Reads.ratingHistory(of: initiative.id))
        #expect(history.map(\.priority) == [4, 5, 2])
        let latest = try await f.read(Reads.latestRatings(of: initiative.id))
        #expect(Dictionary(uniqueKeysWithValues: latest.map { ($0.leaderID, $0.priority) }) == [ann.id: 4, bob.id: 5])
        #expect(latest.first { $0.leaderID == ann.id }?.source == .workshop)
    }
}
