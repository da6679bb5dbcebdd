import ArgumentParser
import ConcordDomain
import ConcordStore
import Foundation
import PQ

/// `concord nudges plan`: runs the revisit planning now, in this process, instead of waiting for the worker's
/// next ten-minute tick; prints what each organisation got and how long its planning statement took.
struct NudgesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nudges",
        abstract: "Revisit nudges.",
        subcommands: [Plan.self]
    )

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plan the revisit nudges due now (of one organisation, or of every active one).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this organisation") var org: String?
        @Option(help: "Plan as of this instant (ISO 8601, e.g. 2026-03-18T09:00:00Z) instead of now") var at: String?

        func run() async throws {
            let orgID = try org.map { text in
                guard let id = UUID(uuidString: text) else { throw ValidationError("--org: '\(text)' is not a UUID") }
                return id
            }
            let now = try at.map { text in
                guard let date = try? Date(text, strategy: .iso8601) else {
                    throw ValidationError("--at: '\(text)' is not an ISO 8601 instant such as 2026-03-18T09:00:00Z")
                }
                return date
            }
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            let store = Store(pool: pool)
            let organisations: [UUID]
            if let orgID { organisations = [orgID] } else { organisations = try await store.activeOrganisationIDs() }
            let clock = ContinuousClock()
            for id in organisations {
                let start = clock.now
                let summary = try await CLIErrors.report {
                    try await store.write(TenantScope(orgID: id, actor: "cli:nudges-plan")) { tx in
                        try await tx.planNudges(now: now ?? Date())
                    }
                }
                let elapsed = clock.now - start
                let milliseconds =
                    Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                let reasons = summary.planned.sorted { $0.key.rawValue < $1.key.rawValue }
                    .map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: ",")
                print("\(id)\tplanned \(summary.total)\t\(reasons.isEmpty ? "-" : reasons)\t\(milliseconds) ms")
            }
            await pool.close()
        }
    }
}
