import ConcordDomain
import Foundation

/// How nudges are delivered; the defaults suit production, tests shorten the waits.
public struct NudgeDeliveryConfiguration: Sendable {
    /// Answer links are `<publicBaseURL>/answer/<token>`.
    public var publicBaseURL: String
    /// Nil: email nudges fail with "no SMTP server configured".
    public var smtp: SMTPConfiguration?
    /// Per HTTP request (webhook, Slack).
    public var httpTimeout: Duration
    /// HTTP tries within one delivery run (5xx and timeouts are retried).
    public var httpAttempts: Int
    /// Pause between those tries.
    public var httpBackoff: Backoff
    /// A nudge whose delivery run failed is planned again this much later...
    public var runBackoff: Backoff
    /// ...until this many runs failed; then it is `failed`.
    public var maxDeliveryRuns: Int
    public var tokenLifetime: TimeInterval
    /// What webhook and Slack URLs may lead to besides the public internet (`CONCORD_WEBHOOK_ALLOW_HOSTS`).
    public var webhookHosts: WebhookHostPolicy

    public init(
        publicBaseURL: String, smtp: SMTPConfiguration? = nil, httpTimeout: Duration = .seconds(10),
        httpAttempts: Int = 3, httpBackoff: Backoff = Backoff(base: 1, cap: 30),
        runBackoff: Backoff = Backoff(base: 300, cap: 6 * 3600), maxDeliveryRuns: Int = 5,
        tokenLifetime: TimeInterval = 14 * 86_400, webhookHosts: WebhookHostPolicy = WebhookHostPolicy()
    ) {
        self.webhookHosts = webhookHosts
        self.publicBaseURL = publicBaseURL
        self.smtp = smtp
        self.httpTimeout = httpTimeout
        self.httpAttempts = max(1, httpAttempts)
        self.httpBackoff = httpBackoff
        self.runBackoff = runBackoff
        self.maxDeliveryRuns = max(1, maxDeliveryRuns)
        self.tokenLifetime = tokenLifetime
    }

    func answerURL(token: String) -> String {
        (publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL) + "/answer/" + token
    }
}
