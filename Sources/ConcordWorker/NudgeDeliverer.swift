import AsyncHTTPClient
import ConcordDomain
import ConcordStore
import Foundation
import Logging
import PQ

/// What one leader's delivery run did.
public struct LeaderDeliveryReport: Sendable, Equatable {
    public var sent = 0
    /// Nudges merged into a digest (the digest itself is one send).
    public var digested = 0
    public var postponed = 0
    public var skipped = 0
    public var failed = 0
    /// Nudges a dead sender left claimed, taken back (their attempt recorded as interrupted).
    public var recovered = 0
    /// Another worker held the leader; nothing was done.
    public var busy = false

    public init() {}
}

/// One message claimed for sending: a nudge alone, or a digest of several.
struct ClaimedMessage: Sendable {
    let nudges: [DueNudgeRow]
    let digestID: UUID?
    let channel: String
    let destination: NudgeDestination
    let message: NudgeMessage
}

/// Delivers due nudges leader by leader, within each leader's guard rails and weekly cap.
///
/// A leader is taken with a session advisory lock (a second worker skips them), then each message goes
/// through three steps: claimed (its nudges `sending`, with their tokens) and committed; sent, outside any
/// transaction; its outcome recorded in a transaction of its own. A retried transaction therefore never
/// sends again: a message is sent at most once per claim. A worker that dies mid-send leaves its claim
/// behind; the next holder of the lock records that attempt as interrupted and sends again, so a nudge is
/// delivered at least once.
public struct NudgeDeliverer: Sendable {
    public let store: Store
    public let configuration: NudgeDeliveryConfiguration
    let transport: NudgeTransport
    let logger: Logger

    public init(
        store: Store, configuration: NudgeDeliveryConfiguration, logger: Logger = Logger(label: "concord.nudges")
    ) {
        self.store = store
        self.configuration = configuration
        self.transport = NudgeTransport(configuration: configuration)
        self.logger = logger
    }

    /// Every leader of the organisation with due nudges, one after the other.
    public func deliverDue(orgID: UUID, now: Date = Date()) async throws -> LeaderDeliveryReport {
        let scope = TenantScope(orgID: orgID, actor: "worker:nudges")
        let leaders = try await store.write(scope) { try await $0.leadersWithDueNudges(now: now) }
        var total = LeaderDeliveryReport()
        for leader in leaders {
            let report = try await deliver(orgID: orgID, leader: leader, now: now)
            total.sent += report.sent
            total.digested += report.digested
            total.postponed += report.postponed
            total.skipped += report.skipped
            total.failed += report.failed
            total.recovered += report.recovered
        }
        return total
    }

    /// One leader's due nudges: opt-out, guard rails, weekly cap with digest, then the channel.
    public func deliver(orgID: UUID, leader: UUID, now: Date = Date()) async throws -> LeaderDeliveryReport {
        let scope = TenantScope(orgID: orgID, actor: "worker:nudges")
        return try await store.pool.withConnection { connection in
            guard try await store.tryLockLeaderForDelivery(leader, on: connection) else {
                var report = LeaderDeliveryReport()
                report.busy = true
                return report
            }
            let result: Result<LeaderDeliveryReport, any Error>
            do {
                result = .success(try await deliverHoldingLock(scope: scope, leader: leader, on: connection, now: now))
            } catch {
                result = .failure(error)
            }
            await store.unlockLeaderForDelivery(leader, on: connection)
            return try result.get()
        }
    }

    private func deliverHoldingLock(
        scope: TenantScope, leader: UUID, on connection: Connection, now: Date
    ) async throws -> LeaderDeliveryReport {
        let (claimReport, messages) = try await store.write(scope, on: connection) { tx in
            try await claim(leader: leader, in: tx, now: now)
        }
        var report = claimReport
        if report.recovered > 0 {
            logger.warning(
                "took back nudges a stopped sender left claimed",
                metadata: ["leader": "\(leader)", "nudges": "\(report.recovered)"])
        }
        // Endpoints that answered 410 Gone in this run: nothing more goes there.
        var gone = Set<UUID>()
        for claimed in messages {
            let outcome: DeliveryOutcome
            if let endpoint = claimed.destination.webhookEndpointID, gone.contains(endpoint) {
                outcome = DeliveryOutcome(error: "no enabled webhook endpoint (it answered 410 Gone)")
            } else {
                outcome = try await transport.send(claimed.message, to: claimed.destination)
            }
            if outcome.gone, let endpoint = claimed.destination.webhookEndpointID { gone.insert(endpoint) }
            let retryAt = try await store.write(scope, on: connection) { tx in
                try await record(outcome, of: claimed, in: tx, now: now)
            }
            if outcome.delivered {
                if claimed.digestID == nil { report.sent += 1 } else { report.digested += claimed.nudges.count }
            } else {
                report.failed += claimed.nudges.count
                logger.warning(
                    "nudge delivery failed",
                    metadata: [
                        "leader": "\(leader)", "channel": "\(claimed.channel)",
                        "retry": "\(retryAt != nil)", "error": "\(outcome.error ?? "")",
                    ])
            }
        }
        return report
    }
}
