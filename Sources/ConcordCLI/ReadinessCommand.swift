import ArgumentParser
import ConcordDomain
import ConcordStore
import Foundation
import PQ

/// `concord readiness`: the readiness check from the consultant's terminal. It sends a check to leaders or
/// their groups (the worker delivers the one-time links like any nudge), lists the checks, and prints a
/// check's answers per question and group, the questions where the groups disagree most first.
struct ReadinessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readiness",
        abstract: "Readiness checks: is the executive team aligned with HR and the area leaders?",
        subcommands: [Send.self, List.self, Results.self]
    )

    /// The organisation and the database, which every subcommand needs.
    struct Target: ParsableArguments {
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The organisation's id") var org: String

        func orgID() throws -> UUID {
            guard let id = UUID(uuidString: org) else { throw ValidationError("--org: '\(org)' is not a UUID") }
            return id
        }

        /// Runs `body` on a one-connection pool, closed afterwards whatever happens.
        func withStore<T>(_ body: (Store) async throws -> T) async throws -> T {
            let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
            do {
                let value = try await CLIErrors.report { try await body(Store(pool: pool)) }
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a readiness check to leaders named by id and/or to every leader of some groups.")
        @OptionGroup var target: Target
        @Option(help: "What the leaders see as the check's title") var title: String
        @Option(help: "A group to ask: executive, hr or area (the heads of areas); repeatable")
        var group: [String] = []
        @Option(help: "A leader's id to ask; repeatable") var leader: [String] = []

        func run() async throws {
            let orgID = try target.orgID()
            let groups = try group.map { name in
                guard let group = LeaderGroup(rawValue: name) else {
                    throw ValidationError(
                        "--group: '\(name)' is not one of \(LeaderGroup.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                return group
            }
            let leaders = try leader.map { text in
                guard let id = UUID(uuidString: text) else {
                    throw ValidationError("--leader: '\(text)' is not a UUID")
                }
                return id
            }
            let new = NewReadinessCheck(title: title, leaderIDs: leaders, groups: groups)
            let check = try await target.withStore { store in
                try await store.write(TenantScope(orgID: orgID, actor: "cli:readiness")) { tx in
                    try await tx.sendReadinessCheck(new, now: Date())
                }
            }
            print("\(check.id)\tasked \(check.recipients)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The organisation's checks, newest first: id, sent at, answered/asked, title.")
        @OptionGroup var target: Target

        func run() async throws {
            let orgID = try target.orgID()
            let checks = try await target.withStore { store in
                try await store.read(TenantScope(orgID: orgID, actor: "cli:readiness"), Reads.readinessChecks())
            }
            for check in checks {
                print(
                    "\(check.id)\t\(ReadinessCommand.time(check.createdAt))\t\(check.answered)/\(check.recipients)"
                        + "\t\(check.title)")
            }
        }
    }

    struct Results: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A check's answers: a line per question (most disagreed first), then who has not answered.")
        @OptionGroup var target: Target
        @Argument(help: "The check's id") var check: String

        func run() async throws {
            let orgID = try target.orgID()
            guard let checkID = UUID(uuidString: check) else { throw ValidationError("'\(check)' is not a UUID") }
            let found = try await target.withStore { store in
                try await store.read(
                    TenantScope(orgID: orgID, actor: "cli:readiness"), Reads.readinessResults(checkID))
            }
            guard let results = found else { throw ValidationError("no readiness check \(checkID) in \(orgID)") }
            print(ReadinessCommand.report(results), terminator: "")
        }
    }

    /// Tab-separated, one header line: the spread and means as the API gives them, "-" where none answered.
    static func report(_ results: ReadinessResults) -> String {
        func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "-" }
        let groups = LeaderGroup.allCases
        var lines = [
            "\(results.check.title)\tsent \(time(results.check.createdAt))"
                + "\tanswered \(results.check.answered)/\(results.check.recipients)",
            (["question", "spread", "mean"] + groups.map(\.rawValue) + ["answers", "text"])
                .joined(separator: "\t"),
        ]
        for question in results.questions {
            let means = groups.map { group in text(question.groups.first { $0.group == group }?.mean) }
            let fields =
                ["\(question.position)", text(question.spread), text(question.mean)] + means
                + ["\(question.count)", question.text + (question.retired ? " (retired)" : "")]
            lines.append(fields.joined(separator: "\t"))
        }
        for recipient in results.notAnswered {
            lines.append(
                "not answered\t\(recipient.name)\t\(recipient.group.rawValue)\t\(recipient.delivery)\t\(recipient.leaderID)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// An instant in the reader's time zone (TZ), with its offset.
    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .current))
    }
}
