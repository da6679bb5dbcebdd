import Foundation

/// Retry delays for failed jobs: exponential with jitter, so failing jobs do not retry in lockstep.
public struct Backoff: Sendable, Hashable {
    /// How randomness spreads retries.
    public enum Jitter: String, Sendable, Hashable, Codable {
        /// Exactly the exponential ceiling.
        case none
        /// Uniform in 0...ceiling (AWS "full jitter").
        case full
        /// Uniform in base...(previous × 3), capped (AWS "decorrelated jitter").
        case decorrelated
    }

    /// Seconds for the first retry.
    public var base: TimeInterval
    /// No delay exceeds this many seconds.
    public var cap: TimeInterval
    public var jitter: Jitter

    public init(base: TimeInterval = 1, cap: TimeInterval = 3600, jitter: Jitter = .full) {
        self.base = Swift.max(0, base)
        self.cap = Swift.max(self.base, cap)
        self.jitter = jitter
    }

    /// min(cap, base × 2^(attempt - 1)); attempt 1 is the first retry.
    public func ceiling(attempt: Int) -> TimeInterval {
        let exponent = Double(Swift.min(Swift.max(attempt, 1) - 1, 1023))
        return Swift.min(cap, base * pow(2, exponent))
    }

    /// The delay before retry number `attempt`; `previous` is the last delay, used by decorrelated jitter.
    public func delay(
        attempt: Int, previous: TimeInterval? = nil, using generator: inout some RandomNumberGenerator
    ) -> TimeInterval {
        switch jitter {
        case .none:
            return ceiling(attempt: attempt)
        case .full:
            return Double.random(in: 0...ceiling(attempt: attempt), using: &generator)
        case .decorrelated:
            let upper = Swift.max(base, (previous ?? base) * 3)
            return Swift.min(cap, Double.random(in: base...upper, using: &generator))
        }
    }
}
