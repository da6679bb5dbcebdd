import ConcordDomain
import ConcordStore
import Foundation

extension NudgeDeliverer {
    /// The claim transaction: takes back what a dead sender left, applies the guard rails and the weekly cap,
    /// and claims each message to send. Nothing is sent here, so a retry of this transaction is harmless.
    func claim(
        leader: UUID, in tx: TenantTransaction, now: Date, claimant: NudgeClaimant?
    ) async throws -> (LeaderDeliveryReport, [ClaimedMessage]) {
        var report = LeaderDeliveryReport()
        report.recovered = try await tx.recoverInterruptedSends(
            leader: leader, now: now, maxRuns: configuration.maxDeliveryRuns,
            staleBefore: now.addingTimeInterval(-configuration.claimStaleAfter))
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
        // A readiness check is asked for by the organisation, not planned: it goes out alone (its page is a
        // questionnaire, not one of a digest's forms) and is not held back by the cap, though it counts in it.
        let asked = due.filter { $0.reason == .readiness }
        let plan = WeeklyCap.plan(
            due: due.filter { $0.reason != .readiness }.map {
                DueNudge(reason: $0.reason, dueAt: $0.dueAt, payload: $0)
            },
            alreadySentThisWeek: alreadySent + asked.count, cap: recipient.weeklyCap)
        let individual = asked + plan.individual.map(\.payload)
        if !plan.deferred.isEmpty {
            // The cap is used up: try again when the leader's next week begins.
            try await tx.postponeNudges(plan.deferred.map(\.payload.id), until: week.end)
            report.postponed += plan.deferred.count
        }
        let toSend = individual + plan.digest.map(\.payload)
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
        for nudge in individual {
            messages.append(
                try await claimMessage(
                    [nudge], digest: false, to: recipient, via: channel, at: destination, in: tx, now: now,
                    claimant: claimant))
        }
        if !plan.digest.isEmpty {
            messages.append(
                try await claimMessage(
                    plan.digest.map(\.payload), digest: true, to: recipient, via: channel, at: destination, in: tx,
                    now: now, claimant: claimant))
        }
        return (report, messages)
    }

    /// Claims the nudges of one message with a fresh answer token each, and renders the message.
    func claimMessage(
        _ nudges: [DueNudgeRow], digest: Bool, to recipient: NudgeRecipient, via channel: NudgeChannel,
        at destination: NudgeDestination, in tx: TenantTransaction, now: Date, claimant: NudgeClaimant?
    ) async throws -> ClaimedMessage {
        let tokens = nudges.map { _ in NudgeToken.generate() }
        let digestID = digest ? try await tx.claimDigest(leader: recipient.id, channel: channel.name) : nil
        try await tx.claimNudges(
            nudges.map(\.id), tokenHashes: tokens.map(\.hashHex), channel: channel.name,
            endpoint: destination.endpointDescription, digest: digestID,
            tokenExpiresAt: now.addingTimeInterval(configuration.tokenLifetime), at: now, claimant: claimant)
        let items = zip(nudges, tokens).map {
            NudgeMessageItem(nudge: $0, answerURL: configuration.answerURL(token: $1.value))
        }
        let message = NudgeMessage(
            orgID: tx.orgID, recipient: recipient, items: items, isDigest: digest, sentAt: now)
        return ClaimedMessage(
            nudges: nudges, digestID: digestID, channel: channel.name, destination: destination, message: message,
            tokenHashes: tokens.map(\.hashHex))
    }
}
