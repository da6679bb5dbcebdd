import Foundation

/// Counts failed authentications per client (its remote address) in a sliding window, and says how long a
/// client that reached the limit must wait. In memory, per API process: behind a load balancer spreading
/// clients over n processes a client gets at most n times the limit, which still turns guessing 256-bit keys
/// from fast into hopeless-and-slow.
public actor FailedAuthLimiter {
    /// Failures allowed per window; 0 turns the limiter off.
    public let limit: Int
    public let window: Duration
    /// Clients remembered at most, so a flood of addresses cannot grow memory without bound.
    private let capacity: Int
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    /// The time; tests move it on instead of waiting out a window.
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(
        limit: Int = 20, window: Duration = .seconds(60), capacity: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self.now = now
    }

    /// How long `client` must wait before its next try is looked at, or nil when it may try now.
    public func retryAfter(client: String) -> Duration? {
        let now = now()
        guard limit > 0, var times = failures[client] else { return nil }
        times.removeAll { $0 + window <= now }
        failures[client] = times.isEmpty ? nil : times
        // Only the newest `limit` failures are kept: the client is free once the oldest of them leaves the window.
        guard times.count >= limit, let oldest = times.first else { return nil }
        return oldest + window - now
    }

    public func recordFailure(client: String) {
        let now = now()
        guard limit > 0 else { return }
        if failures[client] == nil, failures.count >= capacity { forgetExpired(now: now) }
        if failures[client] == nil, failures.count >= capacity { return }
        var times = failures[client, default: []]
        times.append(now)
        // Only the newest `limit` failures decide when the client is free again.
        if times.count > limit { times.removeFirst(times.count - limit) }
        failures[client] = times
    }

    private func forgetExpired(now: ContinuousClock.Instant) {
        failures = failures.filter { _, times in times.last.map { $0 + window > now } ?? false }
    }
}
