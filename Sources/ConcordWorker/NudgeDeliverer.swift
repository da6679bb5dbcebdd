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
    /// Another worker held the leader; nothing was done.
    public var busy = false

    public init() {}
}

/// Delivers due nudges leader by leader, within each leader's guard rails and weekly cap.
///
/// Each leader is one transaction: the leader is taken with an advisory lock (a second worker skips them),
/// the due nudges are locked, sent, and marked in the same transaction, so a nudge is delivered at least
/// once and, while the transaction commits, at most once.
public struct NudgeDeliverer: Sendable {
    public let store: Store
    public let configuration: NudgeDeliveryConfiguration
    let transport: NudgeTransport
    let logger: Logger

    public init(
        store: Store, configuration: NudgeDeliveryConfiguration, http: HTTPClient = .shared,
        logger: Logger = Logger(label: "concord.nudges")
    ) {
        self.store = store
        self.configuration = configuration
        self.transport = NudgeTransport(http: http, configuration: configuration)
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
        }
        return total
    }

    /// One leader's due nudges: opt-out, guard rails, weekly cap with digest, then the channel.
    public func deliver(orgID: UUID, leader: UUID, now: Date = Date()) async throws -> LeaderDeliveryReport {
        let scope = TenantScope(orgID: orgID, actor: "worker:nudges")
        return try await store.write(scope) { tx in
            var report = LeaderDeliveryReport()
            guard try await tx.tryLockLeaderForDelivery(leader) else {
                report.busy = true
                return report
            }
            guard let recipient = try await tx.nudgeRecipient(leader) else { return report }
            let due = try await tx.dueNudges(leader: leader, now: now)
            guard !due.isEmpty else { return report }
            let ids = due.map(\.id)
            if recipient.optedOut {
                try await tx.skipNudges(ids, error: "leader opted out")
                report.skipped = ids.count
                return report
            }
            guard let allowed = recipient.guardRails.nextAllowedSend(now: now) else {
                try await tx.skipNudges(ids, error: "no working days")
                report.skipped = ids.count
                return report
            }
            if allowed > now {
                try await tx.postponeNudges(ids, until: allowed)
                report.postponed = ids.count
                return report
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
            guard !toSend.isEmpty else { return report }
            guard let channel = NudgeChannel.choose(for: recipient) else {
                try await tx.skipNudges(toSend.map(\.id), error: "leader has no delivery channel")
                report.skipped += toSend.count
                return report
            }
            for nudge in plan.individual.map(\.payload) {
                let delivered = try await send([nudge], digest: false, to: recipient, via: channel, in: tx, now: now)
                if delivered { report.sent += 1 } else { report.failed += 1 }
            }
            if !plan.digest.isEmpty {
                let nudges = plan.digest.map(\.payload)
                let delivered = try await send(nudges, digest: true, to: recipient, via: channel, in: tx, now: now)
                if delivered { report.digested += nudges.count } else { report.failed += nudges.count }
            }
            return report
        }
    }

    /// Sends one message (a nudge, or a digest of several) and records the outcome; true when delivered.
    private func send(
        _ nudges: [DueNudgeRow], digest: Bool, to recipient: NudgeRecipient, via channel: NudgeChannel,
        in tx: TenantTransaction, now: Date
    ) async throws -> Bool {
        let tokens = nudges.map { _ in NudgeToken.generate() }
        let items = zip(nudges, tokens).map {
            NudgeMessageItem(nudge: $0, answerURL: configuration.answerURL(token: $1.value))
        }
        let message = NudgeMessage(
            orgID: tx.orgID, recipient: recipient, items: items, isDigest: digest, sentAt: now)
        let outcome = try await transport.send(message, via: channel, in: tx)
        var digestID: UUID?
        if digest {
            digestID = try await tx.createDigest(
                leader: recipient.id, channel: channel.name, sent: outcome.delivered, at: now)
        }
        try await tx.recordDeliveries(outcome.attempts, nudge: digest ? nil : nudges[0].id, digest: digestID)
        if outcome.delivered {
            for (nudge, token) in zip(nudges, tokens) {
                try await tx.markNudgeDelivered(
                    nudge.id, channel: channel.name, digest: digestID, tokenHash: token.hashHex,
                    tokenExpiresAt: now.addingTimeInterval(configuration.tokenLifetime), at: now)
            }
            return true
        }
        let runs = (nudges.map(\.attempts).max() ?? 0) + 1
        var generator = SystemRandomNumberGenerator()
        let retryAt =
            outcome.retryable && runs < configuration.maxDeliveryRuns
            ? now.addingTimeInterval(configuration.runBackoff.delay(attempt: runs, using: &generator)) : nil
        try await tx.markNudgesFailed(nudges.map(\.id), error: outcome.error ?? "not delivered", retryAt: retryAt)
        logger.warning(
            "nudge delivery failed",
            metadata: [
                "leader": "\(recipient.id)", "channel": "\(channel.name)", "retry": "\(retryAt != nil)",
                "error": "\(outcome.error ?? "")",
            ])
        return false
    }
}
