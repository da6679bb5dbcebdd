import ConcordDomain
import ConcordStore
import Foundation
import PQ

/// A claimed message whose outcome the database could not take when it happened.
struct PendingOutcome: Sendable {
    let claimed: ClaimedMessage
    /// Nil: the message was never sent, and its claim is given back.
    let outcome: DeliveryOutcome?
    /// The sender stops trying then (`NudgeDeliveryConfiguration.outcomeDeadline` after the claim); a margin
    /// later, others may take the claim back.
    let deadline: ContinuousClock.Instant
}

extension PostgresError {
    /// The database is away or cannot write yet (a failover, a restart): worth trying again shortly.
    var meansDatabaseUnavailable: Bool {
        switch kind {
        case .connectionLost, .connectionFailed, .poolTimeout: true
        // read_only_sql_transaction: a server that is not (yet) the primary.
        default: sqlState == "25006"
        }
    }
}

extension NudgeDeliverer {
    /// Whether `error` means the database went away rather than refused the work: an unavailable server,
    /// or any failure that left the connection dead (libpq does not always say which).
    static func databaseWentAway(_ error: any Error, on connection: Connection) async -> Bool {
        if let postgres = error as? PostgresError, postgres.meansDatabaseUnavailable { return true }
        return await !connection.isAlive()
    }

    /// Pauses between tries while the database is away: short, since a failover takes seconds.
    static let lateRecordBackoff = Backoff(base: 0.25, cap: 5)

    /// Records outcomes (and gives back unsent claims) once the database is back, through the pool's new
    /// connections, trying with backoff until each one's deadline. Until then the claims stay `sending`:
    /// no other worker sends them again, since they are younger than `claimStaleAfter` and, after a
    /// failover, made on another server run.
    func recordLate(
        _ pending: [PendingOutcome], scope: TenantScope, leader: UUID, now: Date
    ) async -> LeaderDeliveryReport {
        // A task of its own: a cancelled job (the shutdown deadline, a lease lost to the rescuer) must still
        // record what was sent, or the nudge would go out again.
        await Task {
            var report = LeaderDeliveryReport()
            for item in pending {
                await recordLate(item, scope: scope, leader: leader, now: now, into: &report)
            }
            return report
        }.value
    }

    private func recordLate(
        _ item: PendingOutcome, scope: TenantScope, leader: UUID, now: Date, into report: inout LeaderDeliveryReport
    ) async {
        var generator = SystemRandomNumberGenerator()
        var tries = 0
        while true {
            tries += 1
            do {
                let recorded = try await store.write(scope) { tx in
                    guard let outcome = item.outcome else { return try await release(item.claimed, in: tx) }
                    return try await record(outcome, of: item.claimed, in: tx, now: now)
                }
                if let outcome = item.outcome {
                    report.recordedLate += item.claimed.nudges.count
                    tally(outcome, of: item.claimed, retryAt: recorded.retryAt, leader: leader, into: &report)
                    logger.info(
                        "recorded a nudge outcome after the database came back",
                        metadata: ["leader": "\(leader)", "delivered": "\(outcome.delivered)", "tries": "\(tries)"])
                }
                if !recorded.applied, item.outcome != nil {
                    logger.warning(
                        """
                        nudge claim no longer pending when its outcome was recorded: recorded already, or taken \
                        back after it went stale (then it may have gone out twice)
                        """,
                        metadata: ["leader": "\(leader)", "nudges": "\(item.claimed.nudges.map(\.id))"])
                }
                return
            } catch  where ContinuousClock.now < item.deadline {
                // Any failure is tried again until the deadline: the statements are idempotent, and giving
                // up early would leave the claim to be sent again.
                if tries == 1 || tries % 10 == 0 {
                    logger.warning(
                        "recording a nudge outcome failed; trying again",
                        metadata: ["leader": "\(leader)", "tries": "\(tries)", "error": "\(error)"])
                }
                let left = (item.deadline - ContinuousClock.now).timeInterval
                let pause = min(Self.lateRecordBackoff.delay(attempt: tries, using: &generator), max(0, left))
                try? await Task.sleep(for: .seconds(pause))
            } catch {
                logger.error(
                    "gave up recording a nudge outcome: its claim is taken back once stale and the nudge sent again",
                    metadata: [
                        "leader": "\(leader)", "nudges": "\(item.claimed.nudges.map(\.id))", "error": "\(error)",
                    ])
                return
            }
        }
    }
}
