import ArgumentParser
import ConcordQueue
import ConcordStore
import Foundation
import PQ

/// `concord roi recompute`: asks the worker for a full recompute of the L&D ROI figures.
struct RoiCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roi",
        abstract: "L&D ROI figures.",
        subcommands: [Recompute.self]
    )

    struct Recompute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a full recompute of every programme (of one organisation, or of all), run by the worker.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this organisation") var org: String?

        func run() async throws {
            let orgID = try org.map { text in
                guard let id = UUID(uuidString: text) else { throw ValidationError("'\(text)' is not a UUID") }
                return id
            }
            let job = try NewJob(
                kind: ROIRecomputeJob.kind, args: ROIRecomputeJob.Args(orgID: orgID, recomputeAll: true),
                organisationID: orgID)
            let queued = try await JobsCommand.withQueue(database) { try await $0.enqueue(job) }
            print("queued job \(queued.id): full ROI recompute of \(orgID.map { "\($0)" } ?? "every organisation")")
        }
    }
}
