import ArgumentParser
import ConcordDomain
import ConcordQueue
import Foundation
import PQ

/// `concord jobs`: look into the queue and act on single jobs.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect the job queue: list, show, depth, retry, cancel.",
        subcommands: [List.self, Show.self, Depth.self, Retry.self, Cancel.self]
    )

    static func withQueue<T>(_ database: DatabaseOptions, _ body: (JobQueue) async throws -> T) async throws -> T {
        let pool = ConnectionPool(PoolConfiguration(conninfo: try database.resolved(), maxConnections: 1))
        defer { Task { await pool.close() } }
        return try await body(JobQueue(pool: pool))
    }

    static func line(_ job: Job) -> String {
        let error = job.errors.last.map { " last error: \($0.error)" } ?? ""
        return "\(job.id)\t\(job.state.rawValue)\t\(job.kind)\tattempt \(job.attempt)/\(job.maxAttempts)"
            + "\trun at \(job.runAt.formatted(.iso8601))\(error)"
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only jobs in this state (repeatable): available, scheduled, running, retryable, ...")
        var state: [String] = []
        @Option(help: "Only jobs of this kind") var kind: String?
        @Option(help: "How many") var limit: Int = 50

        func run() async throws {
            let states = try state.map { name in
                guard let state = JobState(rawValue: name) else {
                    throw ValidationError("unknown state '\(name)'; one of \(JobState.allCases.map(\.rawValue))")
                }
                return state
            }
            let jobs = try await JobsCommand.withQueue(database) { queue in
                try await queue.jobs(JobFilter(states: states.isEmpty ? nil : states, kind: kind, limit: limit))
            }
            jobs.forEach { print(JobsCommand.line($0)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job with its arguments and errors.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id") var id: Int64

        func run() async throws {
            guard let job = try await JobsCommand.withQueue(database, { try await $0.job(id: id) }) else {
                throw ValidationError("no job \(id)")
            }
            print(JobsCommand.line(job))
            print("args: \(job.argsJSON)")
            for error in job.errors { print("error (attempt \(error.attempt)): \(error.error)") }
        }
    }

    struct Depth: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Jobs per state, and the oldest available job's age.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (depth, age) = try await JobsCommand.withQueue(database) { queue in
                (try await queue.depth(), try await queue.oldestAvailableAge())
            }
            for state in JobState.allCases { print("\(state.rawValue)\t\(depth[state] ?? 0)") }
            print("oldest available\t\(age.map { String(format: "%.1fs", $0) } ?? "none")")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a discarded or cancelled job available again.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id") var id: Int64

        func run() async throws {
            guard let job = try await JobsCommand.withQueue(database, { try await $0.retry(id: id) }) else {
                throw ValidationError("no job \(id) that can be retried (running jobs cannot)")
            }
            print(JobsCommand.line(job))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a job; a running one is stopped.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The job id") var id: Int64

        func run() async throws {
            guard let job = try await JobsCommand.withQueue(database, { try await $0.cancel(id: id) }) else {
                throw ValidationError("no job \(id) that can be cancelled")
            }
            print(JobsCommand.line(job))
        }
    }
}
