import Foundation

/// What to measure, from the command line.
struct BenchmarkOptions: Sendable {
    enum Mode: String, Sendable {
        /// `SELECT id, name, value FROM bench_items WHERE id = $1` through `withConnection` and `query`.
        case read
        /// BEGIN, the tenant setting, the same SELECT and COMMIT in one pipeline through `pipelinedRead`.
        case tenant
    }

    var conninfo = ProcessInfo.processInfo.environment["CONCORD_BENCH_DATABASE_URL"] ?? ""
    var mode = Mode.read
    var clients = 32
    var duration = 15.0
    var warmup = 3.0
    var rows = 100_000
    /// Run the client tasks on PQ's reactor threads (`Connection.executors`, in turn) instead of the global pool.
    var onReactor = false
    /// Each client holds one of the pool's connections for the whole run, as a pgbench client holds its own,
    /// instead of borrowing one for each read: what is left of the gap is then the statement's path alone.
    var holdConnections = false
    /// Nanoseconds of busy waiting before each read: client CPU that touches no memory, to see how the
    /// server's CPU per read follows the client's.
    var busyNanoseconds: UInt64 = 0

    static let usage = """
        usage: pq-benchmark --conninfo CONNINFO [--mode read|tenant] [--clients 32] [--duration 15]
                            [--warmup 3] [--rows 100000] [--executor global|pq] [--connections borrowed|held]
                            [--busy-ns 0]
        (CONCORD_BENCH_DATABASE_URL stands in for --conninfo)
        """

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            switch flag {
            case "--conninfo": options.conninfo = value
            case "--mode":
                guard let mode = Mode(rawValue: value) else { throw UsageError(description: "unknown mode \(value)") }
                options.mode = mode
            case "--clients": options.clients = try number(flag, value)
            case "--duration": options.duration = try number(flag, value)
            case "--warmup": options.warmup = try number(flag, value)
            case "--rows": options.rows = try number(flag, value)
            case "--executor":
                guard value == "global" || value == "pq" else {
                    throw UsageError(description: "--executor is global or pq, not \(value)")
                }
                options.onReactor = value == "pq"
            case "--connections":
                guard value == "borrowed" || value == "held" else {
                    throw UsageError(description: "--connections is borrowed or held, not \(value)")
                }
                options.holdConnections = value == "held"
            case "--busy-ns": options.busyNanoseconds = try number(flag, value)
            default: throw UsageError(description: "unknown option \(flag)")
            }
        }
        guard !options.conninfo.isEmpty else { throw UsageError(description: "no --conninfo given") }
        // A tenant read goes through the pool's `pipelinedRead`; a held connection has no such call.
        guard !options.holdConnections || options.mode == .read else {
            throw UsageError(description: "--connections held is for --mode read")
        }
        guard options.clients > 0, options.duration > 0, options.warmup >= 0, options.rows > 0 else {
            throw UsageError(description: "clients, duration and rows must be positive")
        }
        return options
    }

    private static func number<T: LosslessStringConvertible>(_ flag: String, _ value: String) throws -> T {
        guard let number = T(value) else { throw UsageError(description: "\(flag) takes a number, not \(value)") }
        return number
    }
}
