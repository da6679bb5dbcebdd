import ConcordDomain
import ConcordStore
import Foundation
import Testing

@Suite struct InitiativeStoreTests {
    @Test func createStoresTheInitiativeWithItsSupportingAreas() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let quality = try await f.area("Quality")
        let created = try await f.write { tx in
            try await tx.createInitiative(
                NewInitiative(
                    title: "ERP", leadAreaID: it.id, importance: 5, stage: .initiating,
                    startDate: CivilDate(year: 2025, month: 1, day: 31),
                    targetDate: CivilDate(year: 2025, month: 12, day: 1),
                    supportingAreas: [SupportingArea(areaID: quality.id, support: "test")]))
        }
        #expect(created.version == 1)
        #expect(created.stage == .initiating)
        #expect(created.health == .onTrack)
        #expect(created.startDate == CivilDate(year: 2025, month: 1, day: 31))
        #expect(try await f.read(Reads.initiative(created.id)) == created)
        #expect(
            try await f.read(Reads.supportingAreas(of: created.id)) == [
                SupportingArea(areaID: quality.id, support: "test")
            ])
    }

    @Test func aStaleVersionIsRefusedAndTheRowStaysAsTheWinnerLeftIt() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let initiative = try await f.initiative("ERP", lead: it.id)
        // Two editors read version 1; the first one saves.
        var first = InitiativeChanges(initiative)
        first.title = "ERP, phase 1"
        var second = InitiativeChanges(initiative)
        second.title = "ERP rollout"
        second.importance = 5
        let saved = try await f.write { try await $0.updateInitiative(initiative.id, expectedVersion: 1, first) }
        #expect(saved.version == 2)

        let error = await storeError {
            _ = try await f.write { try await $0.updateInitiative(initiative.id, expectedVersion: 1, second) }
        }
        #expect(error == .versionConflict(entity: "initiative", id: initiative.id.uuidString, current: 2))
        #expect(try await f.read(Reads.initiative(initiative.id)) == saved)

        let stageError = await storeError {
            _ = try await f.write { try await $0.changeStage(initiative.id, to: .developing, expectedVersion: 1) }
        }
        #expect(stageError == .versionConflict(entity: "initiative", id: initiative.id.uuidString, current: 2))
    }

    @Test func stageChangeStampsTheTimesAndHealthAndArchiveBumpTheVersion() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let initiative = try await f.initiative("ERP", lead: it.id)
        // Proposed to initiating passes no alignment gate.
        let developing = try await f.write {
            try await $0.changeStage(initiative.id, to: .initiating, expectedVersion: 1)
        }
        #expect(developing.stage == .initiating)
        #expect(developing.stageChangedAt > initiative.stageChangedAt)
        #expect(developing.lastActivityAt > initiative.lastActivityAt)
        let atRisk = try await f.write { try await $0.changeHealth(initiative.id, to: .atRisk, expectedVersion: 2) }
        #expect(atRisk.health == .atRisk)
        #expect(atRisk.stageChangedAt == developing.stageChangedAt)
        let archived = try await f.write { try await $0.archiveInitiative(initiative.id, expectedVersion: 3) }
        #expect(archived.archivedAt != nil)
        #expect(archived.version == 4)
        let listed = try await f.read(Reads.initiatives(page: try PageRequest()))
        #expect(listed.items.isEmpty)
    }

    @Test func outOfRangeImportanceNamesTheConstraintAndWritesNothing() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let error = await storeError { _ = try await f.initiative("ERP", lead: it.id, importance: 6) }
        #expect(error?.constraint == "initiatives_importance_range")
        #expect(try await f.count("initiatives") == 0)
    }

    @Test func aLeadAreaOfAnotherOrganisationIsRefused() async throws {
        let f = try await StoreFixture.make()
        let other = try await f.otherOrganisation()
        let foreignArea = try await other.area("Their IT")
        let error = await storeError { _ = try await f.initiative("ERP", lead: foreignArea.id) }
        #expect(error?.constraint == "initiatives_lead_area_fk")
        #expect(try await f.count("initiatives") == 0)
    }

    @Test func aBadSupportingAreaLeavesNoInitiativeBehind() async throws {
        let f = try await StoreFixture.make()
        let other = try await f.otherOrganisation()
        let it = try await f.area("IT")
        let quality = try await f.area("Quality")
        let foreignArea = try await other.area("Their HR")
        let error = await storeError {
            _ = try await f.initiative(
                "ERP", lead: it.id,
                supporting: [
                    SupportingArea(areaID: quality.id, support: "test"),
                    SupportingArea(areaID: foreignArea.id, support: "train"),
                ])
        }
        #expect(error?.constraint == "initiative_supporting_areas_area_fk")
        #expect(try await f.count("initiatives") == 0)
        #expect(try await f.count("initiative_supporting_areas") == 0)

        // The lead area as a supporting area is refused by the trigger, by name, also leaving nothing.
        let leadTwice = await storeError {
            _ = try await f.initiative("ERP", lead: it.id, supporting: [SupportingArea(areaID: it.id, support: "x")])
        }
        #expect(leadTwice?.constraint == "initiative_supporting_areas_not_lead")
        #expect(try await f.count("initiatives") == 0)
    }

    @Test func anotherOrganisationsInitiativeReadsAsNotFound() async throws {
        let f = try await StoreFixture.make()
        let other = try await f.otherOrganisation()
        let theirs = try await other.initiative("Theirs", lead: try await other.area("IT").id)
        #expect(try await f.read(Reads.initiative(theirs.id)) == nil)
        #expect(try await f.read(Reads.initiativeDetail(theirs.id, now: Date())) == nil)
        let error = await storeError {
            _ = try await f.write { try await $0.changeHealth(theirs.id, to: .offTrack, expectedVersion: 1) }
        }
        #expect(error == .notFound(entity: "initiative", id: theirs.id.uuidString))
        #expect(try await other.read(Reads.initiative(theirs.id))?.health == .onTrack)
    }

    @Test func replacingSupportingAreasKeepsChangesAndRemoves() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let quality = try await f.area("Quality")
        let hr = try await f.area("HR")
        let training = try await f.area("Training")
        let initiative = try await f.initiative(
            "ERP", lead: it.id,
            supporting: [
                SupportingArea(areaID: quality.id, support: "test"), SupportingArea(areaID: hr.id, support: "x"),
            ])
        let wanted = [
            SupportingArea(areaID: quality.id, support: "define requirements and test"),
            SupportingArea(areaID: training.id, support: "train staff"),
        ]
        let updated = try await f.write {
            try await $0.replaceSupportingAreas(of: initiative.id, with: wanted, expectedVersion: 1)
        }
        #expect(updated.version == 2)
        let stored = try await f.read(Reads.supportingAreas(of: initiative.id))
        #expect(Set(stored) == Set(wanted))
        let error = await storeError {
            _ = try await f.write {
                try await $0.replaceSupportingAreas(of: initiative.id, with: [], expectedVersion: 1)
            }
        }
        #expect(error == .versionConflict(entity: "initiative", id: initiative.id.uuidString, current: 2))
        #expect(Set(try await f.read(Reads.supportingAreas(of: initiative.id))) == Set(wanted))
    }

    @Test func keysetPagesReturnEveryRowExactlyOnce() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let ops = try await f.area("Operations")
        var expected: Set<UUID> = []
        // Some in one transaction (same created_at: the id breaks the tie), some one by one.
        let batch = try await f.write { tx in
            var made: [Initiative] = []
            for index in 0..<5 {
                made.append(
                    try await tx.createInitiative(
                        NewInitiative(title: "Batch \(index)", leadAreaID: it.id, importance: 3)))
            }
            return made
        }
        expected.formUnion(batch.map(\.id))
        for index in 0..<6 {
            expected.insert(
                try await f.initiative("Single \(index)", lead: index.isMultiple(of: 2) ? it.id : ops.id).id)
        }
        var seen: [UUID] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await f.read(Reads.initiatives(page: try PageRequest(limit: 4, after: cursor)))
            #expect(page.items.count <= 4)
            seen += page.items.map(\.id)
            cursor = page.next
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 3)
        #expect(seen.count == expected.count)
        #expect(Set(seen) == expected)

        let opsOnly = try await f.read(
            Reads.initiatives(InitiativeFilter(leadAreaID: ops.id), page: try PageRequest(limit: 200)))
        #expect(opsOnly.items.count == 3)
        #expect(opsOnly.next == nil)
        #expect(throws: StoreError.self) { try PageRequest(limit: 0) }
        #expect(throws: StoreError.self) { try PageRequest(limit: 201) }
        #expect(throws: StoreError.self) { try PageRequest(after: "not a cursor") }
    }
}
