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
    /// How long a sender keeps trying to record an outcome the database could not take (a failover, a
    /// restart), beyond the time its sends may take. Every worker must use the same value: it sets when
    /// others give up waiting for the outcome and take the claim back.
    public var outcomeRetryLimit: TimeInterval

    /// A message not started this long after its claim is given back unsent, so a slow endpoint cannot
    /// push a send past the point where others take the claim back.
    static let sendStartLimit: TimeInterval = 30
    /// Covers clocks of different hosts and a last outcome transaction still in flight.
    static let claimMargin: TimeInterval = 60

    public init(
        publicBaseURL: String, smtp: SMTPConfiguration? = nil, httpTimeout: Duration = .seconds(10),
        httpAttempts: Int = 3, httpBackoff: Backoff = Backoff(base: 1, cap: 30),
        runBackoff: Backoff = Backoff(base: 300, cap: 6 * 3600), maxDeliveryRuns: Int = 5,
        tokenLifetime: TimeInterval = 14 * 86_400, webhookHosts: WebhookHostPolicy = WebhookHostPolicy(),
        outcomeRetryLimit: TimeInterval = 120
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
        self.outcomeRetryLimit = max(0, outcomeRetryLimit)
    }

    /// The longest one message's send may take: every HTTP try timing out, with the longest pauses between.
    /// (An SMTP exchange is bounded by its own socket timeouts, of the same order.)
    var maxSendDuration: TimeInterval {
        Double(httpAttempts) * httpTimeout.timeInterval + Double(httpAttempts - 1) * httpBackoff.cap
    }

    /// How long after its claim a sender may still record an outcome: the last send starts by
    /// `sendStartLimit`, takes at most `maxSendDuration`, then its outcome is retried for `outcomeRetryLimit`.
    var outcomeDeadline: TimeInterval { Self.sendStartLimit + maxSendDuration + outcomeRetryLimit }

    /// A `sending` claim older than this has no sender that will still record it, so it is taken back and
    /// sent again (with the defaults: 30 + 90 + 120 + 60 s = 5 minutes). Younger claims are left alone even
    /// when the leader's lock is free, unless their sender is known to be dead.
    public var claimStaleAfter: TimeInterval { outcomeDeadline + Self.claimMargin }

    func answerURL(token: String) -> String {
        (publicBaseURL.hasSuffix("/") ? String(publicBaseURL.dropLast()) : publicBaseURL) + "/answer/" + token
    }
}
