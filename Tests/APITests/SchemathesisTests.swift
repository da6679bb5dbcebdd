import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Schemathesis (from PyPI; `deploy/install-deps` installs it) fuzzes every operation of the served
/// document against the live API: no 5xx, and no status, header, content type or body the document does
/// not allow.
@Suite struct SchemathesisTests {
    /// Settings for `schemathesis run`; `${...}` comes from the environment the test passes.
    static let configuration = """
        # The seeded organisation and rows: random ids would only ever get 404, and the document's
        # read models would never be checked against real responses.
        [parameters]
        "path.org" = "${CONCORD_ORG}"
        "path.tree" = "${CONCORD_TREE}"
        "path.node" = "${CONCORD_NODE}"
        "path.parent" = "${CONCORD_GOAL}"
        "path.initiative" = "${CONCORD_INITIATIVE}"

        [auth.openapi.bearerAuth]
        bearer = "${CONCORD_KEY}"

        [generation]
        max-examples = 15
        database = "none"

        # DELETE archives: the row stays readable with `archived_at` set, by design.
        [checks.use_after_free]
        enabled = false

        # A schema cannot say which ids exist or which version is current: a well-formed request may name a
        # row that is not there (404, or 422 for a reference in the body), clash with a unique key (409) or
        # carry a stale If-Match (412).
        [checks.positive_data_acceptance]
        expected-statuses = ["2xx", "401", "403", "404", "409", "412", "422"]

        # A malformed If-Match is a failed precondition (412), as a stale one is.
        [checks.negative_data_rejection]
        expected-statuses = ["400", "401", "403", "404", "405", "409", "412", "413", "415", "422", "428"]

        # A missing If-Match is 428 (RFC 6585).
        [checks.missing_required_header]
        expected-statuses = ["400", "401", "403", "406", "415", "422", "428"]

        # `{id}` names a different resource under each collection.
        [[operations]]
        include-path-regex = "/areas/{id}"
        parameters = { "path.id" = "${CONCORD_AREA}" }

        [[operations]]
        include-path-regex = "/leaders/{id}"
        parameters = { "path.id" = "${CONCORD_LEADER}" }

        [[operations]]
        include-path-regex = "/initiatives/{id}"
        parameters = { "path.id" = "${CONCORD_INITIATIVE}" }

        [[operations]]
        include-path-regex = "/assessment-frameworks/{id}"
        parameters = { "path.id" = "${CONCORD_FRAMEWORK}", "path.item" = "${CONCORD_DIMENSION}" }

        [[operations]]
        include-path-regex = "/assessments/{id}"
        parameters = { "path.id" = "${CONCORD_ASSESSMENT}" }
        """

    @Test(.timeLimit(.minutes(8)))
    func everyOperationHoldsToTheDocument() async throws {
        let fixture = try await APIFixture.make()
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            let port = try #require(client.port)
            let seeded = try await seed(client, org: org, key: key)
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("concord-schemathesis-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("schemathesis.toml")
            try Self.configuration.write(to: config, atomically: true, encoding: .utf8)
            let arguments = [
                "python3", "-m", "schemathesis.cli", "--config-file", config.path, "--no-color", "run",
                "http://127.0.0.1:\(port)/openapi.json", "--checks", "all",
                // One worker: Hypothesis' lambda-source cache is not thread-safe (a rare KeyError with two).
                "--workers", "1",
                "--request-timeout", "10",
            ]
            // A failure prints its seed; `CONCORD_SCHEMATHESIS_SEED=<seed> swift test --filter Schemathesis` replays it.
            let seed = ProcessInfo.processInfo.environment["CONCORD_SCHEMATHESIS_SEED"].map { ["--seed", $0] } ?? []
            let run = try await Self.run(
                arguments + seed, in: directory,
                environment: seeded.merging(["CONCORD_ORG": org.uuidString.lowercased(), "CONCORD_KEY": key]) { $1 })
            #expect(
                run.status == 0,
                "schemathesis exited with \(run.status) (is it installed? deploy/install-deps does it):\n\(run.output)")
        }
    }

    /// One of everything for the fuzzer to reach, as `CONCORD_*` variables for the configuration: areas, a
    /// leader heading one, an initiative with a supporting area and a rating, a tree with a goal and a factor.
    func seed(_ client: some TestClientProtocol, org: UUID, key: String) async throws -> [String: String] {
        let base = "/v1/orgs/\(org)"
        func create(_ path: String, _ json: String) async throws -> [String: Any] {
            let response = try await client.send(.post, "\(base)/\(path)", key: key, json: json)
            #expect(response.status == .created, "\(path): \(response.text)")
            return response.json
        }
        let area = try #require(try await create("areas", #"{"name":"IT"}"#)["id"] as? String)
        let quality = try #require(try await create("areas", #"{"name":"Quality"}"#)["id"] as? String)
        let leader = try #require(
            try await create("leaders", #"{"name":"Ida","area_id":"\#(area)","email":"ida@acme.test"}"#)["id"]
                as? String)
        let head = try await client.send(
            .patch, "\(base)/areas/\(area)", key: key, json: #"{"head_leader_id":"\#(leader)"}"#,
            headers: [.ifMatch: "\"1\""])
        #expect(head.status == .ok)
        let initiative = try #require(
            try await create(
                "initiatives",
                #"{"title":"ERP","lead_area_id":"\#(area)","importance":3,"supporting_areas":[{"area_id":"\#(quality)","support":"test"}]}"#
            )["id"] as? String)
        _ = try await create(
            "initiatives/\(initiative)/ratings", #"{"leader_id":"\#(leader)","priority":4,"buy_in":"committed"}"#)
        let tree = try await create("goal-trees", #"{"name":"Strategy","goal":{"kind":"goal","title":"Grow"}}"#)
        let treeID = try #require((tree["tree"] as? [String: Any])?["id"] as? String)
        let goal = try #require((tree["goal"] as? [String: Any])?["id"] as? String)
        let factor = try #require(
            try await create(
                "goal-trees/\(treeID)/nodes",
                #"{"node":{"kind":"critical_success_factor","title":"Sell","confidence":70},"parent_ids":["\#(goal)"]}"#
            )["id"] as? String)
        let framework = try await create(
            "assessment-frameworks", #"{"name":"3C","dimensions":[{"name":"capacity"},{"name":"commitment"}]}"#)
        let frameworkID = try #require(framework["id"] as? String)
        let dimension = try #require((framework["dimensions"] as? [[String: Any]])?.first?["id"] as? String)
        let assessment = try #require(
            try await create(
                "assessments",
                #"{"leader_id":"\#(leader)","framework_id":"\#(frameworkID)","assessed_on":"2026-03-01","assessor":"coach","scores":[{"dimension_id":"\#(dimension)","score":"72.5"}]}"#
            )["id"] as? String)
        return [
            "CONCORD_AREA": area, "CONCORD_LEADER": leader, "CONCORD_INITIATIVE": initiative,
            "CONCORD_TREE": treeID, "CONCORD_GOAL": goal, "CONCORD_NODE": factor, "CONCORD_FRAMEWORK": frameworkID,
            "CONCORD_DIMENSION": dimension, "CONCORD_ASSESSMENT": assessment,
        ]
    }

    /// Runs a command to its end without blocking a thread, its output (both streams) gathered in a file.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String]) async throws
        -> (status: Int32, output: String)
    {
        let log = directory.appendingPathComponent("output.txt")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
