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
    /// Nudges whose outcome was recorded only after the database came back (a failover, a restart).
    public var recordedLate = 0
    /// Another worker held the leader; nothing was done.
    public var busy = false

    public init() {}

    mutating func add(_ other: LeaderDeliveryReport) {
        sent += other.sent
        digested += other.digested
        postponed += other.postponed
        skipped += other.skipped
        failed += other.failed
        recovered += other.recovered
        recordedLate += other.recordedLate
    }
}

/// One message claimed for sending: a nudge alone, or a digest of several.
struct ClaimedMessage: Sendable {
    let nudges: [DueNudgeRow]
    let digestID: UUID?
    let channel: String
    let destination: NudgeDestination
    let message: NudgeMessage
    /// The hashes of the nudges' answer tokens: they identify this claim when its outcome is recorded.
    let tokenHashes: [String]
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

    /// Every leader of the organisation with due nudges, one after the other. `claimant`: the job run
    /// delivering, recorded on each claim.
    public func deliverDue(
        orgID: UUID, now: Date = Date(), claimant: NudgeClaimant? = nil
    ) async throws -> LeaderDeliveryReport {
        let scope = TenantScope(orgID: orgID, actor: "worker:nudges")
        let leaders = try await store.write(scope) { try await $0.leadersWithDueNudges(now: now) }
        let started = ContinuousClock.now
        var total = LeaderDeliveryReport()
        for leader in leaders {
            // A claim carries the time it is made, which others compare with their clocks: a leader delivered
            // minutes into the run is claimed minutes after `now`.
            let elapsed = (ContinuousClock.now - started).timeInterval
            total.add(
                try await deliver(
                    orgID: orgID, leader: leader, now: now.addingTimeInterval(elapsed), claimant: claimant))
        }
        return total
    }

    /// One leader's due nudges: opt-out, guard rails, weekly cap with digest, then the channel.
    public func deliver(
        orgID: UUID, leader: UUID, now: Date = Date(), claimant: NudgeClaimant? = nil
    ) async throws -> LeaderDeliveryReport {
        let scope = TenantScope(orgID: orgID, actor: "worker:nudges")
        let (report, pending) = try await store.pool.withConnection { connection in
            guard try await store.tryLockLeaderForDelivery(leader, on: connection) else {
                var report = LeaderDeliveryReport()
                report.busy = true
                return (report, [PendingOutcome]())
            }
            let result: Result<(LeaderDeliveryReport, [PendingOutcome]), any Error>
            do {
                result = .success(
                    try await deliverHoldingLock(
                        scope: scope, leader: leader, on: connection, now: now, claimant: claimant))
            } catch {
                result = .failure(error)
            }
            await store.unlockLeaderForDelivery(leader, on: connection)
            return try result.get()
        }
        guard !pending.isEmpty else { return report }
        // The locked connection is given back (or dropped, when dead) first: the pool reconnects for these.
        var total = report
        total.add(await recordLate(pending, scope: scope, leader: leader, now: now))
        return total
    }

    private func deliverHoldingLock(
        scope: TenantScope, leader: UUID, on connection: Connection, now: Date, claimant: NudgeClaimant?
    ) async throws -> (LeaderDeliveryReport, [PendingOutcome]) {
        let claimedAt = ContinuousClock.now
        let deadline = claimedAt + .seconds(configuration.outcomeDeadline)
        // The last claims the transaction made: when its commit is not confirmed (the server went away),
        // they may have committed all the same, and are given back once the database is back.
        var unconfirmed: [ClaimedMessage] = []
        let claimReport: LeaderDeliveryReport
        let messages: [ClaimedMessage]
        do {
            (claimReport, messages) = try await store.write(scope, on: connection) { tx in
                let claimed = try await claim(leader: leader, in: tx, now: now, claimant: claimant)
                unconfirmed = claimed.1
                return claimed
            }
        } catch {
            guard !unconfirmed.isEmpty, await Self.databaseWentAway(error, on: connection) else { throw error }
            return (
                LeaderDeliveryReport(),
                unconfirmed.map { PendingOutcome(claimed: $0, outcome: nil, deadline: deadline) }
            )
        }
        var report = claimReport
        if report.recovered > 0 {
            logger.warning(
                "took back nudges a stopped sender left claimed",
                metadata: ["leader": "\(leader)", "nudges": "\(report.recovered)"])
        }
        let startLimit = claimedAt + .seconds(NudgeDeliveryConfiguration.sendStartLimit)
        var pending: [PendingOutcome] = []
        // Endpoints that answered 410 Gone in this run: nothing more goes there.
        var gone = Set<UUID>()
        for claimed in messages {
            // Once an outcome could not be recorded, nothing more is sent: what cannot be recorded now might
            // not be recorded in time. The rest of the claims are given back unsent.
            guard pending.isEmpty, ContinuousClock.now < startLimit else {
                pending.append(PendingOutcome(claimed: claimed, outcome: nil, deadline: deadline))
                continue
            }
            let outcome: DeliveryOutcome
            if let endpoint = claimed.destination.webhookEndpointID, gone.contains(endpoint) {
                outcome = DeliveryOutcome(error: "no enabled webhook endpoint (it answered 410 Gone)")
            } else {
                outcome = try await transport.send(claimed.message, to: claimed.destination)
            }
            if outcome.gone, let endpoint = claimed.destination.webhookEndpointID { gone.insert(endpoint) }
            do {
                let recorded = try await store.write(scope, on: connection) { tx in
                    try await record(outcome, of: claimed, in: tx, now: now)
                }
                tally(outcome, of: claimed, retryAt: recorded.retryAt, leader: leader, into: &report)
            } catch {
                guard await Self.databaseWentAway(error, on: connection) else { throw error }
                logger.warning(
                    "the database went away before a nudge outcome was recorded; it is kept until the database is back",
                    metadata: ["leader": "\(leader)", "delivered": "\(outcome.delivered)", "error": "\(error)"])
                pending.append(PendingOutcome(claimed: claimed, outcome: outcome, deadline: deadline))
            }
        }
        return (report, pending)
    }

    func tally(
        _ outcome: DeliveryOutcome, of claimed: ClaimedMessage, retryAt: Date?, leader: UUID,
        into report: inout LeaderDeliveryReport
    ) {
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
}

extension Duration {
    var timeInterval: TimeInterval { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
