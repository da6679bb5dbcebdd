import ConcordDomain
import ConcordStore
import Foundation
import Testing

@Suite struct OrganisationStoreTests {
    @Test func settingsRoundTripAndAreVersioned() async throws {
        let f = try await StoreFixture.make()
        #expect(f.organisation.settings == OrganisationSettings())
        #expect(try await f.read(Reads.organisation) == f.organisation)
        var settings = f.organisation.settings
        settings.timezone = "Europe/Berlin"
        settings.workingDays = [1, 2, 3, 4]
        settings.quietHours = QuietHoursWindow(start: LocalTime(hour: 19, minute: 30)!, end: LocalTime(hour: 7)!)
        settings.revisitCadenceDays = 21
        let updated = try await f.write { try await $0.updateOrganisationSettings(settings, expectedVersion: 1) }
        #expect(updated.settings == settings)
        #expect(updated.version == 2)
        let stale = await storeError {
            _ = try await f.write { try await $0.updateOrganisationSettings(settings, expectedVersion: 1) }
        }
        #expect(stale == .versionConflict(entity: "organisation", id: f.organisation.id.uuidString, current: 2))
        settings.timezone = "Mars/Olympus"
        let invalid = await storeError {
            _ = try await f.write { try await $0.updateOrganisationSettings(settings, expectedVersion: 2) }
        }
        #expect(invalid?.constraint == "organisations_timezone_valid")
        let other = try await f.otherOrganisation()
        #expect(try await other.read(Reads.organisation)?.id == other.organisation.id)
        let taken = await storeError { _ = try await f.otherOrganisation(slug: "acme") }
        #expect(taken?.constraint == "organisations_slug_unique")
    }

    @Test func areasAndLeadersAreCreatedListedAndVersioned() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let ann = try await f.write {
            try await $0.createLeader(
                LeaderFields(name: "Ann", areaID: it.id, email: "ann@example.com", channels: ["slack": "U1"]))
        }
        #expect(ann.channels == ["slack": "U1"])
        let bob = try await f.leader("Bob")
        let headed = try await f.write {
            try await $0.updateArea(it.id, expectedVersion: 1, AreaFields(name: "IT", headLeaderID: ann.id))
        }
        #expect(headed.headLeaderID == ann.id)
        let infra = try await f.write {
            try await $0.createArea(AreaFields(name: "Infrastructure", parentID: it.id))
        }
        let loop = await storeError {
            _ = try await f.write {
                try await $0.updateArea(it.id, expectedVersion: 2, AreaFields(name: "IT", parentID: infra.id))
            }
        }
        #expect(loop?.constraint == "areas_no_cycle")
        #expect(try await f.read(Reads.areas(parentID: it.id, page: try PageRequest())).items.map(\.id) == [infra.id])
        #expect(try await f.read(Reads.leaders(areaID: it.id, page: try PageRequest())).items.map(\.id) == [ann.id])

        let until = Date(timeIntervalSince1970: 1_900_000_000)
        let snoozed = try await f.write { try await $0.snoozeLeader(bob.id, until: until, expectedVersion: 1) }
        #expect(snoozed.snoozedUntil == until)
        let optedOut = try await f.write { try await $0.setOptedOut(bob.id, true, expectedVersion: 2) }
        #expect(optedOut.optedOut)
        let duplicate = await storeError {
            _ = try await f.write { try await $0.createLeader(LeaderFields(name: "Ann B", email: "ANN@example.com")) }
        }
        #expect(duplicate?.constraint == "leaders_email_unique")
        _ = try await f.write { try await $0.archiveLeader(bob.id, expectedVersion: 3) }
        #expect(try await f.read(Reads.leaders(page: try PageRequest())).items.map(\.id) == [ann.id])
        #expect(try await f.read(Reads.leader(bob.id))?.archivedAt != nil)
    }

    @Test func assessmentsRecordScoresOnTheFrameworksDimensions() async throws {
        let f = try await StoreFixture.make()
        let ann = try await f.leader("Ann")
        let framework = try await f.write {
            try await $0.createAssessmentFramework(
                name: "3C", dimensions: [NamedFields(name: "capacity"), NamedFields(name: "commitment")])
        }
        #expect(framework.dimensions.map(\.name) == ["capacity", "commitment"])
        let character = try await f.write {
            try await $0.addAssessmentDimension(to: framework.id, NamedFields(name: "character"))
        }
        #expect(character.position == 2)
        let day = CivilDate(year: 2025, month: 3, day: 14)!
        let scores = [framework.dimensions[0].id: Decimal(string: "72.5")!, character.id: Decimal(90)]
        _ = try await f.write {
            try await $0.recordAssessment(
                leaderID: ann.id, frameworkID: framework.id, assessedOn: day, assessor: "coach", scores: scores)
        }
        let stored = try await f.read(Reads.assessments(of: ann.id))
        #expect(stored.count == 1)
        #expect(stored.first?.assessedOn == day)
        #expect(stored.first?.scores.map(\.dimensionID) == [framework.dimensions[0].id, character.id], "in order")
        #expect(
            Dictionary(uniqueKeysWithValues: stored.first?.scores.map { ($0.dimensionID, $0.score) } ?? []) == scores)
        #expect(try await f.read(Reads.assessmentFramework(framework.id))?.dimensions.count == 3)

        let outOfRange = await storeError {
            _ = try await f.write {
                try await $0.recordAssessment(
                    leaderID: ann.id, frameworkID: framework.id, assessedOn: day, assessor: "coach",
                    scores: [character.id: 101])
            }
        }
        #expect(outOfRange?.constraint == "assessment_scores_score_range")
        #expect(try await f.read(Reads.assessments(of: ann.id)).count == 1)
    }

    @Test func theAuditTrailShowsEveryWriteOfARowWithItsActor() async throws {
        let f = try await StoreFixture.make()
        let it = try await f.area("IT")
        let initiative = try await f.initiative("ERP", lead: it.id)
        _ = try await f.write { try await $0.changeStage(initiative.id, to: .initiating, expectedVersion: 1) }
        let trail = try await f.read(Reads.auditTrail(table: "initiatives", id: initiative.id))
        #expect(trail.map(\.operation) == ["INSERT", "UPDATE"])
        #expect(trail.allSatisfy { $0.actor == "test" })
        #expect(trail.last?.after?.contains("\"initiating\"") == true)
        let other = try await f.otherOrganisation()
        #expect(try await other.read(Reads.auditTrail(table: "initiatives", id: initiative.id)).isEmpty)
    }
}
