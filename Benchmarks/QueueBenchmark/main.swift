import ConcordQueue
import Foundation
import LocalPostgres
import Logging
import PQ
import ServiceLifecycle

// queue-benchmark: the Concord side of Benchmarks/queue/run, one mode per invocation so that every worker
// is an OS process of its own.
//
//   queue-benchmark server FILE [NAME=VALUE ...] start a throwaway cluster (with these server settings), write its
//                                                URL to FILE, stop on SIGTERM
//   queue-benchmark enqueue URL JOBS CHUNK       enqueue JOBS no-op jobs, CHUNK per statement (as a producer would);
//                                                prints the jobs, the seconds and the CPU seconds it took
//   queue-benchmark worker URL CONCURRENCY BATCH run a queue worker (no-op handler) until SIGTERM

LoggingSystem.bootstrap(StreamLogHandler.standardError)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("queue-benchmark: \(message)\n".utf8))
    exit(2)
}

/// Blocks until SIGTERM or SIGINT.
func waitForTermination() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let fired = Locked(false)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
            source.setEventHandler {
                if fired.exchange(true) == false { continuation.resume() }
            }
            source.resume()
            sources.append(source)
        }
        keepAlive.append(contentsOf: sources)
    }
}

final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func exchange(_ new: Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        let old = value
        value = new
        return old
    }
}

/// CPU time this process has used so far (all threads, user and system).
func processCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

nonisolated(unsafe) var keepAlive: [DispatchSourceSignal] = []

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail("usage: queue-benchmark server|enqueue|worker ...") }

switch arguments[1] {
case "server":
    guard arguments.count >= 3 else { fail("usage: queue-benchmark server FILE [NAME=VALUE ...]") }
    var settings = ["max_connections": "300"]
    for setting in arguments.dropFirst(3) {
        let parts = setting.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { fail("a server setting is NAME=VALUE, not \"\(setting)\"") }
        settings[String(parts[0])] = String(parts[1])
    }
    let cluster: LocalPostgres
    do {
        cluster = try await LocalPostgres.start(settings: settings)
    } catch {
        fail("could not start PostgreSQL: \(error)")
    }
    let url = "postgresql://\(cluster.superuser)@127.0.0.1:\(cluster.port)/postgres"
    try Data((url + "\n").utf8).write(to: URL(fileURLWithPath: arguments[2]))
    await waitForTermination()
    cluster.stop()

case "enqueue":
    guard arguments.count == 5, let jobs = Int(arguments[3]), let chunk = Int(arguments[4]) else {
        fail("usage: queue-benchmark enqueue URL JOBS CHUNK")
    }
    let pool = ConnectionPool(PoolConfiguration(conninfo: arguments[2], maxConnections: 1))
    let queue = JobQueue(pool: pool)
    // Connected before the clock starts: the run times enqueueing from its first statement, not start-up.
    _ = try await pool.withConnection { connection in try await connection.query("SELECT 1") }
    let cpuBefore = processCPUSeconds()
    let started = ContinuousClock.now
    var enqueued = 0
    while enqueued < jobs {
        let count = min(chunk, jobs - enqueued)
        let batch = (0..<count).map { NewJob(kind: "noop", argsJSON: "{\"n\":\(enqueued + $0)}") }
        enqueued += try await queue.enqueue(batch).count
    }
    let elapsed = ContinuousClock.now - started
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    print(String(format: "%d %.3f %.4f", enqueued, seconds, processCPUSeconds() - cpuBefore))
    await pool.close()

case "worker":
    guard arguments.count == 5, let concurrency = Int(arguments[3]), let batch = Int(arguments[4]) else {
        fail("usage: queue-benchmark worker URL CONCURRENCY BATCH")
    }
    var logger = Logger(label: "queue-benchmark.worker")
    logger.logLevel = .warning
    let pool = ConnectionPool(PoolConfiguration(conninfo: arguments[2], maxConnections: 4))
    var registry = JobRegistry()
    registry.register(kind: "noop") { _ in }
    let worker = QueueWorker(
        pool: pool, registry: registry,
        configuration: QueueWorkerConfiguration(
            concurrency: concurrency, batchSize: batch, listenConninfo: arguments[2]),
        logger: logger)
    let group = ServiceGroup(
        configuration: .init(
            services: [.init(service: worker)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
    await pool.close()

default:
    fail("unknown mode \(arguments[1])")
}
