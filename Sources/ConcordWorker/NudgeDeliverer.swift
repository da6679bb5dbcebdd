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

    /// The claim transaction: takes back what a dead sender left, applies the guard rails and the weekly cap,
    /// and claims each message to send. Nothing is sent here, so a retry of this transaction is harmless.
    private func claim(
        leader: UUID, in tx: TenantTransaction, now: Date
    ) async throws -> (LeaderDeliveryReport, [ClaimedMessage]) {
        var report = LeaderDeliveryReport()
        report.recovered = try await tx.recoverInterruptedSends(
            leader: leader, now: now, maxRuns: configuration.maxDeliveryRuns)
        guard let recipient = try await tx.nudgeRecipient(leader) else { return (report, []) }
        let due = try await tx.dueNudges(leader: leader, now: now)
        guard !due.isEmpty else { return (report, []) }
        let ids = due.map(\.id)
        if recipient.optedOut {
            try await tx.skipNudges(ids, error: "leader opted out")
            report.skipped = ids.count
            return (report, [])
        }
        guard let allowed = recipient.guardRails.nextAllowedSend(now: now) else {
            try await tx.skipNudges(ids, error: "no working days")
            report.skipped = ids.count
            return (report, [])
        }
        if allowed > now {
            try await tx.postponeNudges(ids, until: allowed)
            report.postponed = ids.count
            return (report, [])
        }
        let week = ISOWeek.containing(now, in: recipient.timeZone).interval(in: recipient.timeZone)
        let alreadySent = try await tx.nudgeSendCount(leader: leader, in: week)
        let plan = WeeklyCap.plan(
            due: due.map { DueNudge(reason: $0.reason, dueAt: $0.dueAt, payload: $0) },
            alreadySentThisWeek: alreadySent, cap: recipient.weeklyCap)
        if !plan.deferred.isEmpty {
            // The cap is used up: try again when the leader's next week begins.
            try await tx.postponeNudges(plan.deferred.map(\.payload.id), until: week.end)
            report.postponed += plan.deferred.count
        }
        let toSend = plan.individual.map(\.payload) + plan.digest.map(\.payload)
        guard !toSend.isEmpty else { return (report, []) }
        guard let channel = NudgeChannel.choose(for: recipient) else {
            try await tx.skipNudges(toSend.map(\.id), error: "leader has no delivery channel")
            report.skipped += toSend.count
            return (report, [])
        }
        let destination: NudgeDestination
        switch try await transport.destination(for: channel, in: tx) {
        case .success(let found):
            destination = found
        case .failure(let unavailable):
            try await tx.markNudgesFailed(toSend.map(\.id), error: unavailable.reason, retryAt: nil)
            report.failed += toSend.count
            return (report, [])
        }
        var messages: [ClaimedMessage] = []
        for nudge in plan.individual.map(\.payload) {
            messages.append(
                try await claimMessage(
                    [nudge], digest: false, to: recipient, via: channel, at: destination, in: tx, now: now))
        }
        if !plan.digest.isEmpty {
            messages.append(
                try await claimMessage(
                    plan.digest.map(\.payload), digest: true, to: recipient, via: channel, at: destination, in: tx,
                    now: now))
        }
        return (report, messages)
    }

    /// Claims the nudges of one message with a fresh answer token each, and renders the message.
    private func claimMessage(
        _ nudges: [DueNudgeRow], digest: Bool, to recipient: NudgeRecipient, via channel: NudgeChannel,
        at destination: NudgeDestination, in tx: TenantTransaction, now: Date
    ) async throws -> ClaimedMessage {
        let tokens = nudges.map { _ in NudgeToken.generate() }
        let digestID = digest ? try await tx.claimDigest(leader: recipient.id, channel: channel.name) : nil
        try await tx.claimNudges(
            nudges.map(\.id), tokenHashes: tokens.map(\.hashHex), channel: channel.name,
            endpoint: destination.endpointDescription, digest: digestID,
            tokenExpiresAt: now.addingTimeInterval(configuration.tokenLifetime), at: now)
        let items = zip(nudges, tokens).map {
            NudgeMessageItem(nudge: $0, answerURL: configuration.answerURL(token: $1.value))
        }
        let message = NudgeMessage(
            orgID: tx.orgID, recipient: recipient, items: items, isDigest: digest, sentAt: now)
        return ClaimedMessage(
            nudges: nudges, digestID: digestID, channel: channel.name, destination: destination, message: message)
    }

    /// The outcome transaction: the attempts, the endpoint a 410 disabled, and the nudges sent or failed.
    /// Returns when a failed message is tried again (nil: delivered, or failed for good).
    private func record(
        _ outcome: DeliveryOutcome, of claimed: ClaimedMessage, in tx: TenantTransaction, now: Date
    ) async throws -> Date? {
        if outcome.gone, let endpoint = claimed.destination.webhookEndpointID {
            try await tx.disableWebhookEndpoint(endpoint, reason: "410 Gone", at: outcome.attempts.last?.at ?? now)
        }
        if let digestID = claimed.digestID {
            try await tx.finishDigest(digestID, sent: outcome.delivered, at: now)
        }
        try await tx.recordDeliveries(
            outcome.attempts, nudge: claimed.digestID == nil ? claimed.nudges[0].id : nil, digest: claimed.digestID)
        let ids = claimed.nudges.map(\.id)
        if outcome.delivered {
            try await tx.markNudgesDelivered(ids, at: now)
            return nil
        }
        let runs = (claimed.nudges.map(\.attempts).max() ?? 0) + 1
        var generator = SystemRandomNumberGenerator()
        let retryAt =
            outcome.retryable && runs < configuration.maxDeliveryRuns
            ? now.addingTimeInterval(configuration.runBackoff.delay(attempt: runs, using: &generator)) : nil
        try await tx.markNudgesFailed(ids, error: outcome.error ?? "not delivered", retryAt: retryAt)
        return retryAt
    }
}
