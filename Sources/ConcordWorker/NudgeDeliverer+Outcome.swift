import ConcordStore
import Foundation

/// What an outcome transaction wrote.
struct RecordedOutcome: Sendable {
    /// When a failed message is tried again (nil: delivered, or failed for good).
    var retryAt: Date?
    /// False when the claim was no longer pending: recorded already (a commit whose answer was lost), or
    /// taken back by another worker after it went stale.
    var applied: Bool
}

extension NudgeDeliverer {
    /// The outcome transaction: the attempts, the endpoint a 410 disabled, and the nudges sent or failed.
    /// Every statement in it may run twice (it is written again when its commit was not confirmed) and
    /// changes only what is still under this claim.
    func record(
        _ outcome: DeliveryOutcome, of claimed: ClaimedMessage, in tx: TenantTransaction, now: Date
    ) async throws -> RecordedOutcome {
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
            let changed = try await tx.markNudgesDelivered(ids, claimedWith: claimed.tokenHashes, at: now)
            return RecordedOutcome(retryAt: nil, applied: changed > 0)
        }
        let runs = (claimed.nudges.map(\.attempts).max() ?? 0) + 1
        var generator = SystemRandomNumberGenerator()
        let retryAt =
            outcome.retryable && runs < configuration.maxDeliveryRuns
            ? now.addingTimeInterval(configuration.runBackoff.delay(attempt: runs, using: &generator)) : nil
        let changed = try await tx.markNudgesFailed(
            ids, error: outcome.error ?? "not delivered", retryAt: retryAt, claimedWith: claimed.tokenHashes)
        return RecordedOutcome(retryAt: retryAt, applied: changed > 0)
    }

    /// Gives a claimed message back unsent: its digest fails, its nudges are planned again.
    func release(_ claimed: ClaimedMessage, in tx: TenantTransaction) async throws -> RecordedOutcome {
        if let digestID = claimed.digestID {
            try await tx.finishDigest(digestID, sent: false, at: Date())
        }
        let changed = try await tx.releaseUnsentClaims(claimed.nudges.map(\.id), claimedWith: claimed.tokenHashes)
        return RecordedOutcome(retryAt: nil, applied: changed > 0)
    }
}
