import ConcordDomain
import ConcordQueue
import ConcordStore
import PQ
import Prometheus

/// The worker's Prometheus series: nudge counters moved by the jobs as they finish, and the queue's and the
/// pool's state read when `/metrics` is scraped (so every worker process reports the shared queue).
public struct WorkerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let planned: Counter
    private let sent: Counter
    private let failed: Counter
    private let digested: Counter
    private let postponed: Counter
    private let depth: [JobState: Gauge]
    private let oldestAvailable: Gauge
    private let poolInUse: Gauge
    private let poolIdle: Gauge
    private let poolWaiting: Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        planned = registry.makeCounter(name: "concord_nudges_planned_total", help: "nudges planned")
        sent = registry.makeCounter(name: "concord_nudges_sent_total", help: "nudges delivered (one per send)")
        failed = registry.makeCounter(name: "concord_nudges_failed_total", help: "nudge deliveries that failed")
        digested = registry.makeCounter(name: "concord_nudges_digested_total", help: "nudges merged into a digest")
        postponed = registry.makeCounter(
            name: "concord_nudges_postponed_total", help: "nudges held back (quiet hours, working days, snooze)")
        depth = Dictionary(
            uniqueKeysWithValues: JobState.allCases.map { state in
                (
                    state,
                    registry.makeGauge(
                        name: "concord_queue_jobs", labels: [("state", state.rawValue)], help: "jobs per state")
                )
            })
        oldestAvailable = registry.makeGauge(
            name: "concord_queue_oldest_available_age_seconds",
            help: "how long the oldest available job has waited past its run_at (0 when none)")
        poolInUse = registry.makeGauge(name: "concord_db_pool_connections_in_use", help: "connections lent out")
        poolIdle = registry.makeGauge(name: "concord_db_pool_connections_idle", help: "open connections not in use")
        poolWaiting = registry.makeGauge(name: "concord_db_pool_waiters", help: "tasks waiting for a connection")
    }

    func recordPlanning(_ summary: NudgePlanSummary) {
        planned.increment(by: Int64(summary.total))
    }

    func recordDelivery(_ report: LeaderDeliveryReport) {
        sent.increment(by: Int64(report.sent))
        failed.increment(by: Int64(report.failed))
        digested.increment(by: Int64(report.digested))
        postponed.increment(by: Int64(report.postponed))
    }

    /// Reads the queue and the pool into the gauges and renders every series in the text format.
    /// A database that cannot be reached leaves the queue gauges as they were; the pool's are always fresh.
    func scrape(pool: ConnectionPool) async -> [UInt8] {
        let statistics = await pool.statistics
        poolInUse.set(Double(statistics.open - statistics.idle))
        poolIdle.set(Double(statistics.idle))
        poolWaiting.set(Double(statistics.waiting))
        let queue = JobQueue(pool: pool)
        if let counts = try? await queue.depth() {
            for (state, count) in counts { depth[state]?.set(Double(count)) }
        }
        if let age = try? await queue.oldestAvailableAge() {
            oldestAvailable.set(age ?? 0)
        }
        return registry.emitToBuffer()
    }
}
