import ConcordTestSupport
import Foundation
import Testing

/// `concord readiness` (the built executable): a check sent to groups from the terminal asks the leaders of
/// those groups, the list counts who answered, and the results put the question the groups disagree on most
/// first, with each group's mean, and name who has not answered. Bad options are refused with what is wrong.
@Suite struct CLIReadinessTests {
    @Test func aCheckSentFromTheTerminalIsListedAndItsResultsComparedByGroup() async throws {
        let concord = CLIRecomputeTests.concord.path
        try #require(FileManager.default.isExecutableFile(atPath: concord), "build concord first")
        let f = try await NudgeFixture.make()
        let database = ["--database-url", f.database.conninfo]
        let org = ["--org", f.orgID.uuidString]
        func leader(_ name: String, executive: Bool, hr: Bool) async throws -> UUID {
            let id = UUID()
            try await f.execute(
                """
                INSERT INTO leaders (org_id, id, name, email, is_executive, is_hr)
                VALUES (\(f.orgID)::uuid, \(id)::uuid, \(name), \(name.lowercased() + "@client.example"),
                        \(executive), \(hr))
                """)
            return id
        }
        let eve = try await leader("Eve", executive: true, hr: false)
        let hana = try await leader("Hana", executive: false, hr: true)
        let head = try await f.areaWithHead("IT").leader
        let question = UUID()
        try await f.execute(
            """
            INSERT INTO readiness_questions (org_id, id, position, text)
            VALUES (\(f.orgID)::uuid, \(question)::uuid, 0, 'We agree on why this change matters')
            """)

        let badGroup = try await Command.run(
            concord, ["readiness", "send", "--title", "Ready?", "--group", "board"] + org + database)
        #expect(badGroup.status != 0)
        #expect(badGroup.output.contains("--group: 'board' is not one of executive, hr, area"), "\(badGroup.output)")
        let nobody = try await Command.run(concord, ["readiness", "send", "--title", "Ready?"] + org + database)
        #expect(nobody.status != 0)
        #expect(nobody.output.contains("name the leaders to ask, or their groups"), "\(nobody.output)")

        let sent = try await Command.run(
            concord,
            [
                "readiness", "send", "--title", "Ready for ERP?", "--group", "executive", "--group", "hr", "--group",
                "area",
            ]
                + org + database)
        #expect(sent.status == 0, "\(sent.output)")
        let sentFields = sent.output.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\t")
        let check = try #require(sentFields.first.flatMap(UUID.init(uuidString:)), "\(sent.output)")
        #expect(sentFields.last == "asked 3")

        // Eve (executive) strongly agrees, Hana (HR) strongly disagrees; the area head has not answered.
        for (who, score) in [(eve, 5), (hana, 1)] {
            try await f.execute(
                """
                INSERT INTO readiness_answers (org_id, check_id, leader_id, question_id, score)
                VALUES (\(f.orgID)::uuid, \(check)::uuid, \(who)::uuid, \(question)::uuid, \(score)::int2)
                """)
            try await f.execute(
                """
                UPDATE readiness_recipients SET answered_at = now()
                WHERE org_id = \(f.orgID)::uuid AND check_id = \(check)::uuid AND leader_id = \(who)::uuid
                """)
        }

        let listed = try await Command.run(concord, ["readiness", "list"] + org + database)
        #expect(listed.status == 0, "\(listed.output)")
        let listFields = listed.output.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\t")
        #expect(listFields.first == check.uuidString)
        #expect(listFields.dropFirst(2).first == "2/3")
        #expect(listFields.last == "Ready for ERP?")

        let results = try await Command.run(concord, ["readiness", "results", check.uuidString] + org + database)
        #expect(results.status == 0, "\(results.output)")
        let lines = results.output.split(separator: "\n").map { $0.components(separatedBy: "\t") }
        #expect(
            lines.dropFirst().first == ["question", "spread", "mean", "executive", "hr", "area", "answers", "text"])
        // The most disagreed question first: executive 5 against HR 1, no area answer.
        let first = try #require(lines.dropFirst(2).first)
        #expect(first.last == "We agree on why this change matters")
        #expect(Array(first.dropFirst().prefix(6)) == ["4", "3", "5", "1", "-", "2"], "\(first)")
        let waiting = lines.filter { $0.first == "not answered" }
        #expect(waiting.count == 1)
        #expect(waiting.first?.last == head.uuidString)
        #expect(waiting.first?.dropFirst(2).first == "area")

        let unknown = try await Command.run(concord, ["readiness", "results", UUID().uuidString] + org + database)
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("no readiness check"))
    }
}
