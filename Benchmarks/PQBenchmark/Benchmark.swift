import Foundation
import PQ

/// `clients` tasks, each reading in a loop through one shared pool; only transactions that start after
/// the warm-up and finish before the end of the measured window count.
struct Benchmark: Sendable {
    let options: BenchmarkOptions

    init(_ options: BenchmarkOptions) {
        self.options = options
    }

    struct Report {
        var transactions: Int
        /// Every read that completed, the warm-up's and those the window cut included: what the server served.
        var served = 0
        var errors: Int
        var seconds: Double
        var latencies: [UInt64]
        /// CPU time of this process (all its threads) during the measured window, and the part of it spent in
        /// user space (the rest is the kernel's, mostly the sockets').
        var cpuSeconds = 0.0
        var userSeconds = 0.0
        /// Which of `Connection.executors` watched the connections the reads of the window's last second used.
        var lastSecondExecutors: Set<Int> = []

        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.down)))
            return Double(latencies[index]) / 1_000_000
        }

        var meanMilliseconds: Double {
            guard !latencies.isEmpty else { return 0 }
            return Double(latencies.reduce(0, +)) / Double(latencies.count) / 1_000_000
        }

        func summary(_ options: BenchmarkOptions) -> String {
            let tps = Double(transactions) / seconds
            let figures = String(
                format: "tps=%.1f mean_ms=%.3f p50_ms=%.3f p99_ms=%.3f", tps, meanMilliseconds,
                percentile(0.5), percentile(0.99))
            let executor = options.onReactor ? "pq" : "global"
            let connections = options.holdConnections ? "held" : "borrowed"
            return
                "mode=\(options.mode.rawValue) executor=\(executor) connections=\(connections) clients=\(options.clients) "
                + "duration=\(seconds) \(figures) errors=\(errors) "
                + String(format: "cpu_us_per_tx=%.1f", cpuSeconds * 1e6 / Double(max(transactions, 1)))
                + String(format: " user_us_per_tx=%.2f", userSeconds * 1e6 / Double(max(transactions, 1)))
                + " served=\(served) moved=\(Connection.reactorMoves)"
                + " last_second_executors=\(lastSecondExecutors.sorted().map(String.init).joined(separator: ","))"
        }
    }

    func run() async throws -> Report {
        let pool = ConnectionPool(
            PoolConfiguration(
                conninfo: options.conninfo, maxConnections: options.clients, acquireTimeout: .seconds(30)))
        // Open every connection (and prepare the statement on it) before the clock starts.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<options.clients {
                group.addTask { _ = try await readOnce(pool, id: client % options.rows + 1) }
            }
            try await group.waitForAll()
        }

        let start = now()
        let measureFrom = start + UInt64(options.warmup * 1e9)
        let measureUntil = measureFrom + UInt64(options.duration * 1e9)
        // The process's CPU time at both ends of the measured window, read on a thread of its own.
        let cpuMeter = Task.detached { () -> (Double, Double) in
            try? await Task.sleep(for: .nanoseconds(Int64(measureFrom) - Int64(now())))
            let before = processCPUSeconds()
            try? await Task.sleep(for: .nanoseconds(Int64(measureUntil) - Int64(now())))
            let after = processCPUSeconds()
            return (after.total - before.total, after.user - before.user)
        }
        let perClient = try await withThrowingTaskGroup(of: Report.self) { group in
            for client in 0..<options.clients {
                let loop = { @Sendable () async -> Report in
                    await clientLoop(pool, client: client, start: start, from: measureFrom, until: measureUntil)
                }
                // A task given any executor preference, even nil, pays for a lookup of it on every hop.
                if options.onReactor {
                    let executors = Connection.executors
                    group.addTask(executorPreference: executors[client % executors.count], operation: loop)
                } else {
                    group.addTask(operation: loop)
                }
            }
            var all: [Report] = []
            for try await report in group { all.append(report) }
            return all
        }
        await pool.close()
        var total = Report(transactions: 0, errors: 0, seconds: options.duration, latencies: [])
        (total.cpuSeconds, total.userSeconds) = await cpuMeter.value
        for report in perClient {
            total.transactions += report.transactions
            total.served += report.served
            total.lastSecondExecutors.formUnion(report.lastSecondExecutors)
            total.errors += report.errors
            total.latencies += report.latencies
        }
        total.latencies.sort()
        return total
    }

    /// One client: borrows a connection for each read, or holds one for all of them.
    private func clientLoop(
        _ pool: ConnectionPool, client: Int, start: UInt64, from measureFrom: UInt64, until measureUntil: UInt64
    ) async -> Report {
        if options.holdConnections {
            do {
                return try await pool.withConnection { connection in
                    await readLoop(client: client, start: start, from: measureFrom, until: measureUntil) { id in
                        try check(try await select(id, on: connection), id: id)
                        return connection.executorIndex
                    }
                }
            } catch {
                return Report(transactions: 0, errors: 1, seconds: 0, latencies: [])
            }
        }
        return await readLoop(client: client, start: start, from: measureFrom, until: measureUntil) { id in
            try await readOnce(pool, id: id)
        }
    }

    /// Reads with `read` in a loop until the end of the window, counting those inside it.
    private func readLoop(
        client: Int, start: UInt64, from measureFrom: UInt64, until measureUntil: UInt64,
        _ read: (Int) async throws -> Int?
    ) async -> Report {
        var random = SplitMix64(seed: UInt64(client) &* 0x9E37_79B9 &+ start)
        var report = Report(transactions: 0, errors: 0, seconds: 0, latencies: [])
        report.latencies.reserveCapacity(1 << 16)
        let lastSecond = measureUntil - min(1_000_000_000, measureUntil - measureFrom)
        while true {
            let began = now()
            if began >= measureUntil { break }
            let id = Int(random.next() % UInt64(options.rows)) + 1
            var failed = false
            if options.busyNanoseconds > 0 {
                let until = now() + options.busyNanoseconds
                while now() < until {}
            }
            do {
                let executor = try await read(id)
                if let executor, began >= lastSecond { report.lastSecondExecutors.insert(executor) }
            } catch {
                failed = true
            }
            let ended = now()
            if !failed { report.served += 1 }
            guard began >= measureFrom, ended <= measureUntil else { continue }
            if failed {
                report.errors += 1
            } else {
                report.transactions += 1
                report.latencies.append(ended - began)
            }
        }
        return report
    }

    /// One read, decoded; the shape of the statements matches the pgbench scripts in `pq-vs-pgbench`.
    private func readOnce(_ pool: ConnectionPool, id: Int) async throws -> Int? {
        switch options.mode {
        case .read:
            let (row, executor) = try await pool.withConnection { connection in
                (try await select(id, on: connection), connection.executorIndex)
            }
            try check(row, id: id)
            return executor
        case .tenant:
            let org = String(id % 100)
            let results = try await pool.pipelinedRead(
                settings: [("app.org_id", org)],
                [
                    """
                    SELECT id, name, value FROM bench_items \
                    WHERE id = \(id) AND org_id = current_setting('app.org_id')::int
                    """
                ])
            try check(results[0], id: id)
            return nil
        }
    }

    /// The read, as the pgbench script `read.sql` sends it.
    private func select(_ id: Int, on connection: Connection) async throws -> QueryResult {
        try await connection.query("SELECT id, name, value FROM bench_items WHERE id = \(id)")
    }

    private func check(_ result: QueryResult, id: Int) throws {
        guard let row = result.first else { throw BenchmarkError(description: "no row for id \(id)") }
        let found = try row.decode("id", as: Int64.self)
        _ = try row.decode("name", as: String.self)
        _ = try row.decode("value", as: Double.self)
        guard found == id else { throw BenchmarkError(description: "asked for \(id), got \(found)") }
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

/// CPU time of the whole process (user and system), and its user part.
func processCPUSeconds() -> (total: Double, user: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return (seconds(usage.ru_utime) + seconds(usage.ru_stime), seconds(usage.ru_utime))
}

/// Monotonic nanoseconds.
@inline(__always)
func now() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

/// A cheap per-task generator: the system one costs a syscall per number on Linux.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
