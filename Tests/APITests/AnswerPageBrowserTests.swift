import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A real browser (Debian's headless chromium, driven by `Tests/Browser/answer_page.py` through
/// chromedriver) against the API on a real socket: the leader opens the link, answers, and the rating is
/// in the database; the link replayed says "already answered"; both pictures render. The browser is
/// installed by `deploy/install-deps`, so a missing one fails this test rather than skipping it.
/// Screenshots land in `Tests/artifacts/browser/` (ignored by git) for people to look at.
@Suite struct AnswerPageBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Browser/answer_page.py").standardized
    static let artifacts = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../artifacts/browser").standardized

    @Test(.timeLimit(.minutes(3)))
    func aLeaderAnswersInChromiumAndTheRatingIsRecorded() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let token = try await seed.nudge()
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let tree = try await PictureRouteTests.tree(client, seed)
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("concord-browser-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let run = try await SchemathesisTests.run(
                [
                    "python3", Self.script.path, "--base", "http://127.0.0.1:\(port)", "--token=\(token.value)",
                    "--key=\(seed.key)", "--out", directory.appendingPathComponent("shots").path,
                    "--svg", "goal-tree=/v1/orgs/\(seed.org)/goal-trees/\(tree.id).svg",
                    "--svg", "alignment=/v1/orgs/\(seed.org)/initiatives/\(seed.initiative)/alignment.svg",
                ], in: directory, environment: ProcessInfo.processInfo.environment)
            try #require(
                run.status == 0, "the browser run failed (deploy/install-deps installs chromium):\n\(run.output)")
            let line = try #require(run.output.split(separator: "\n").last(where: { $0.hasPrefix("{") }))
            let seen = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])

            #expect(seen["title"] as? String == seed.title, "the title shows as text")
            #expect(seen["alert"] as? Bool == false)
            #expect(seen["scripts"] as? Int == 0)
            #expect(seen["button_colour"] as? String == "rgb(29, 78, 216)", "the hashed inline style applies")
            #expect(seen["fits_phone"] as? Bool == true)
            #expect(seen["cookies"] as? Int == 0)
            #expect(seen["labels"] as? Bool == true)
            #expect((seen["thanks"] as? String)?.contains("priority 4 of 5, committed to it") == true)
            #expect(seen["replay"] as? String == "Already answered")
            #expect(seen["replay_forms"] as? Int == 0)
            for name in ["goal-tree", "alignment"] {
                let svg = try #require((seen["svg"] as? [String: [Any]])?[name], "\(name) was not opened")
                #expect(svg[0] as? String == "image/svg+xml", "\(name)")
                #expect(svg[1] as? String == "svg", "\(name)")
                #expect((svg[2] as? Double ?? 0) > 100 && (svg[3] as? Double ?? 0) > 100, "\(name) has a size")
                #expect((svg[4] as? Int ?? 0) >= 3, "\(name) drew its cells")
            }

            let ratings = try await seed.ratings()
            #expect(ratings.first?.0 == 4)
            #expect(ratings.first?.1 == "committed")
            #expect(ratings.first?.2 == "Need two trainers")
            #expect(ratings.first?.3 == "nudge")

            // Keep the screenshots where people can look at them.
            let shots = try #require(seen["screenshots"] as? [String])
            #expect(shots.count == 5)
            try? FileManager.default.createDirectory(at: Self.artifacts, withIntermediateDirectories: true)
            for shot in shots {
                let data = try Data(contentsOf: URL(fileURLWithPath: shot))
                #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(shot) is a PNG")
                let target = Self.artifacts.appendingPathComponent(URL(fileURLWithPath: shot).lastPathComponent)
                try? FileManager.default.removeItem(at: target)
                try? data.write(to: target)
            }
        }
    }
}
