import ConcordStore
import Foundation

extension NudgeDeliverer {
    /// The outcome transaction: the attempts, the endpoint a 410 disabled, and the nudges sent or failed.
    /// Returns when a failed message is tried again (nil: delivered, or failed for good).
    func record(
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
