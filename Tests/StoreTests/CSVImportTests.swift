import CSVFormat
import ConcordStore
import Foundation
import PQ
import Testing

/// CSV files as spreadsheets export them (byte-order mark, CRLF, quoted commas and line breaks, empty
/// trailing columns): good files load, bad files report every faulty line and write nothing, a second
/// import writes nothing, and an export reads back as a no-op.
@Suite struct CSVImportTests {
    static func spreadsheet(_ lines: [String]) -> [UInt8] {
        [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static let areas = spreadsheet([
        "key,name,parent_key,,",
        "ops,Operations,,,",
        "it,\"IT, Infrastructure\",ops,,",
        "qa,Quality,ops,,",
        "hr,HR,,,",
    ])
    static let leaders = spreadsheet([
        "Key,Name,Email,Area Key,Head,Executive,HR,Timezone,",
        "L1,\"Smith, Ann\",ann@acme.test,it,yes,yes,,Europe/Berlin,",
        "L2,Bob Jones,bob@acme.test,qa,y,,,,",
        ",Cara Diaz,cara@acme.test,hr,,no,x,,",
    ])
    static let initiatives = spreadsheet([
        "key,title,lead_area_key,supporting_areas,importance,stage,health,sponsor,start_date,target_date,description",
        "I1,New ERP,it,\"qa: define requirements and test\r\nhr: train staff\",5,Implementing,At risk,ann@acme.test,"
            + "2026-01-05,2026-12-31,\"Replace the old ERP, in phases.\r\nPhase 1: finance.\"",
        "I2,Lean,qa,,3,,,L2,,,",
    ])
    static let ratings = spreadsheet([
        "initiative_key,leader,priority,buy_in,resistance_note,rated_at,,",
        "I1,ann@acme.test,5,committed,,2026-03-02T10:00:00+01:00,,",
        "I1,BOB@acme.test,2,aware,\"Too many projects,\r\nnot enough people\",2026-03-02,,",
        "I2,L2,3,,,2026-03-02 14:30,,",
    ])

    func importAll(_ fixture: StoreFixture) async throws -> [ImportOutcome] {
        var outcomes: [ImportOutcome] = []
        for (kind, file) in [
            (ImportKind.areas, Self.areas), (.leaders, Self.leaders), (.initiatives, Self.initiatives),
            (.ratings, Self.ratings),
        ] {
            outcomes.append(try await fixture.store.importCSV(kind, file, scope: fixture.scope))
        }
        return outcomes
    }

    func rejection(_ body: () async throws -> Void) async -> [ImportIssue] {
        do {
            try await body()
            Issue.record("expected the file to be refused")
        } catch let rejected as ImportRejected {
            return rejected.issues
        } catch {
            Issue.record("expected ImportRejected, got \(error)")
        }
        return []
    }

    @Test func goodFilesLoadAndASecondImportWritesNothing() async throws {
        let fixture = try await StoreFixture.make()
        let first = try await importAll(fixture)
        #expect(first.map(\.inserted) == [4, 3, 2, 3])
        // Leaders made heads of their areas count as updated areas.
        #expect(first.map(\.updated) == [0, 2, 0, 0])

        let areas = try await fixture.read(Reads.areas(page: PageRequest(limit: 10))).items
        let byKey = Dictionary(uniqueKeysWithValues: areas.map { ($0.externalKey ?? "", $0) })
        #expect(byKey["it"]?.name == "IT, Infrastructure")
        #expect(byKey["it"]?.parentID == byKey["ops"]?.id)
        let leaders = try await fixture.read(Reads.leaders(page: PageRequest(limit: 10))).items
        let ann = try #require(leaders.first { $0.email == "ann@acme.test" })
        #expect(ann.name == "Smith, Ann" && ann.isExecutive && !ann.isHR && ann.timezone == "Europe/Berlin")
        #expect(ann.areaID == byKey["it"]?.id && ann.externalKey == "L1")
        let heads = try await fixture.read(Reads.areas(page: PageRequest(limit: 10))).items
        #expect(heads.first { $0.externalKey == "it" }?.headLeaderID == ann.id)
        #expect(heads.first { $0.externalKey == "hr" }?.headLeaderID == nil)
        let cara = try #require(leaders.first { $0.email == "cara@acme.test" })
        #expect(cara.isHR && !cara.isExecutive && cara.externalKey == nil && cara.timezone == nil)

        let erp = try #require(
            try await fixture.read(Reads.initiatives(page: PageRequest(limit: 10))).items.first {
                $0.title == "New ERP"
            })
        #expect(erp.stage == .implementing && erp.health == .atRisk && erp.importance == 5)
        #expect(erp.description == "Replace the old ERP, in phases.\r\nPhase 1: finance.")
        #expect(erp.sponsorLeaderID == ann.id)
        let supports = try await fixture.supports(erp.id)
        #expect(supports == ["hr": "train staff", "qa": "define requirements and test"])
        let times = try await fixture.ratingTimes()
        #expect(times == ["2026-03-02 00:00:00+00", "2026-03-02 09:00:00+00", "2026-03-02 14:30:00+00"])

        let audited = try await fixture.count("audit_log")
        let second = try await importAll(fixture)
        #expect(second.map(\.inserted) == [0, 0, 0, 0])
        #expect(second.map(\.updated) == [0, 0, 0, 0])
        #expect(try await fixture.count("audit_log") == audited)
        #expect(try await fixture.count("alignment_ratings") == 3)
    }

    @Test func aBadFileReportsEveryFaultyLineAndWritesNothing() async throws {
        let fixture = try await StoreFixture.make()
        _ = try await fixture.store.importCSV(.areas, Self.areas, scope: fixture.scope)
        let bad = Self.spreadsheet([
            "key,name,email,area_key,executive,hr,timezone,",
            "L1,\"Smith,\r\nAnn\",ann(at)acme.test,it,yes,,,",  // line 2, a bad email; the record spans lines 2-3
            "L2,,bob@acme.test,qa,,,,",  // line 4: no name
            "L3,Cara,cara@acme.test,finance,,,,",  // line 5: no such area
            "L4,Dan,dan@acme.test,it,maybe,,Mars/Olympus,",  // line 6: flag and time zone
            "L5,Eve,CARA@acme.test,,,,,",  // line 7: the same email as line 5
            "L6,Fay,fay@acme.test,it,,,,",  // good
            "L7,Gil,gil@acme.test,it,,,,surplus",  // line 9: a value under no header
        ])
        let issues = await rejection {
            _ = try await fixture.store.importCSV(.leaders, bad, scope: fixture.scope)
        }
        #expect(issues.map(\.line) == [2, 4, 5, 6, 6, 7, 9])
        #expect(
            issues.map { $0.column ?? "-" } == ["email", "name", "area_key", "executive", "timezone", "email", "-"])
        #expect(issues[0].description == "2: column email: 'ann(at)acme.test' is not an email address")
        #expect(try await fixture.count("leaders") == 0)
    }

    @Test func changedRowsUpdateInPlaceAndReferencesAreChecked() async throws {
        let fixture = try await StoreFixture.make()
        _ = try await importAll(fixture)
        let renamed = Self.spreadsheet([
            "key,name,email,area_key,head,executive,hr,timezone",
            "L1,\"Smith, Ann\",ann@acme.test,ops,,yes,,Europe/Berlin",
            "L2,Robert Jones,bob@acme.test,qa,yes,,,",
        ])
        let outcome = try await fixture.store.importCSV(.leaders, renamed, scope: fixture.scope)
        // Two leaders changed, and Ann no longer heads IT.
        #expect(outcome.inserted == 0 && outcome.updated == 3)
        let changedRating = Self.spreadsheet([
            "initiative_key,leader,priority,buy_in,resistance_note,rated_at",
            "I1,ann@acme.test,4,committed,,2026-03-02T09:00:00Z",
            "I9,ann@acme.test,4,,,2026-03-03",
        ])
        let issues = await rejection {
            _ = try await fixture.store.importCSV(.ratings, changedRating, scope: fixture.scope)
        }
        #expect(issues.map(\.line) == [2, 3])
        #expect(issues[1].column == "initiative_key")
        #expect(try await fixture.count("alignment_ratings") == 3)
    }

    @Test func aFileWithFewerColumnsChangesOnlyWhatItNames() async throws {
        let fixture = try await StoreFixture.make()
        _ = try await importAll(fixture)
        let before = try await fixture.store.exportCSV(.leaders, scope: fixture.scope)
        let renamed = try await fixture.store.importCSV(
            .leaders, Array("key,name\r\nL1,\"Smith, Ann\"\r\nL2,Robert Jones\r\n".utf8), scope: fixture.scope)
        #expect(renamed.inserted == 0 && renamed.updated == 1)
        let after = try await fixture.store.exportCSV(.leaders, scope: fixture.scope)
        #expect(after == before.replacingOccurrences(of: "Bob Jones", with: "Robert Jones"))

        let initiatives = try await fixture.store.exportCSV(.initiatives, scope: fixture.scope)
        let retitled = try await fixture.store.importCSV(
            .initiatives, Array("key,title,lead_area_key,importance\r\nI1,New ERP,it,5\r\nI2,Lean 2,qa,3\r\n".utf8),
            scope: fixture.scope)
        #expect(retitled.inserted == 0 && retitled.updated == 1)
        #expect(
            try await fixture.store.exportCSV(.initiatives, scope: fixture.scope)
                == initiatives.replacingOccurrences(of: "I2,Lean,", with: "I2,Lean 2,"))

        let areas = try await fixture.store.exportCSV(.areas, scope: fixture.scope)
        let named = try await fixture.store.importCSV(.areas, Array("key,name\r\nit,IT\r\n".utf8), scope: fixture.scope)
        #expect(named.updated == 1)
        #expect(
            try await fixture.store.exportCSV(.areas, scope: fixture.scope)
                == areas.replacingOccurrences(of: "it,\"IT, Infrastructure\",ops", with: "it,IT,ops"))
    }

    @Test func exportsReadBackWithoutAChange() async throws {
        let fixture = try await StoreFixture.make()
        _ = try await importAll(fixture)
        for kind in ImportKind.allCases {
            let csv = try await fixture.store.exportCSV(kind, scope: fixture.scope)
            let records = try CSVReader.records(Array(csv.utf8)).get()
            #expect(records[0].fields == kind.columns)
            let again = try await fixture.store.importCSV(kind, Array(csv.utf8), scope: fixture.scope)
            #expect(again.inserted == 0 && again.updated == 0, "\(kind): \(csv)")
        }
        let leaders = try await fixture.store.exportCSV(.leaders, scope: fixture.scope)
        #expect(leaders.contains("L1,\"Smith, Ann\",ann@acme.test,it,yes,yes,no,Europe/Berlin\r\n"))
        let initiatives = try await fixture.store.exportCSV(.initiatives, scope: fixture.scope)
        #expect(initiatives.contains("I1,New ERP,it,hr: train staff; qa: define requirements and test,5,implementing"))

        // Into a second organisation, the export makes the same rows.
        let other = try await fixture.otherOrganisation()
        for kind in ImportKind.allCases {
            let csv = try await fixture.store.exportCSV(kind, scope: fixture.scope)
            _ = try await other.store.importCSV(kind, Array(csv.utf8), scope: other.scope)
            #expect(try await other.store.exportCSV(kind, scope: other.scope) == csv)
        }
    }

    @Test func anArchivedOrganisationTakesNoImport() async throws {
        let fixture = try await StoreFixture.make()
        let archived = try await Provisioning(pool: fixture.database.pool()).archiveOrganisation("acme")
        #expect(archived?.archivedAt != nil)
        let error = await storeError {
            _ = try await fixture.store.importCSV(.areas, Self.areas, scope: fixture.scope)
        }
        #expect(error?.constraint == "organisation_active")
    }
}

extension StoreFixture {
    func supports(_ initiative: UUID) async throws -> [String: String] {
        let rows = try await store.pool.pipelinedRead(
            settings: [("app.org_id", organisation.id.uuidString)],
            [
                """
                SELECT a.external_key, s.support FROM initiative_supporting_areas AS s
                JOIN areas AS a ON a.org_id = s.org_id AND a.id = s.area_id WHERE s.initiative_id = \(initiative)::uuid
                """
            ])[0]
        return Dictionary(
            uniqueKeysWithValues: try rows.map { try ($0.decode(0, as: String.self), $0.decode(1, as: String.self)) })
    }

    func ratingTimes() async throws -> [String] {
        let rows = try await store.pool.pipelinedRead(
            settings: [("app.org_id", organisation.id.uuidString)],
            [
                "SELECT (rated_at AT TIME ZONE 'UTC')::text || '+00' FROM alignment_ratings WHERE source = 'workshop' ORDER BY rated_at"
            ])[0]
        return try rows.map { try $0.decode(0, as: String.self) }
    }
}
