import ConcordDomain
import Foundation
import Testing

@Suite struct BackoffTests {
    @Test func ceilingDoublesUntilTheCap() {
        let backoff = Backoff(base: 2, cap: 60, jitter: .none)
        var generator = SplitMix64(seed: 1)
        let delays = (1...8).map { backoff.delay(attempt: $0, using: &generator) }
        #expect(delays == [2, 4, 8, 16, 32, 60, 60, 60])  // 2 × 2^(n-1), capped at 60
        #expect(backoff.ceiling(attempt: 10_000) == 60)
        #expect(backoff.ceiling(attempt: 0) == 2)
    }

    @Test func fullJitterStaysInBoundsAndGrows() {
        let backoff = Backoff(base: 1, cap: 300, jitter: .full)
        var generator = SplitMix64(seed: 42)
        var means: [Double] = []
        for attempt in 1...6 {
            let ceiling = Double(1 << (attempt - 1))  // 1, 2, 4, 8, 16, 32
            let draws = (0..<2_000).map { _ in backoff.delay(attempt: attempt, using: &generator) }
            #expect(draws.allSatisfy { $0 >= 0 && $0 <= ceiling })
            means.append(draws.reduce(0, +) / Double(draws.count))
        }
        // Uniform in 0...ceiling has mean ceiling / 2; each attempt's mean roughly doubles.
        for (index, mean) in means.enumerated() {
            let expected = Double(1 << index) / 2
            #expect(abs(mean - expected) < expected * 0.1)
        }
        #expect(means == means.sorted())
    }

    @Test func seededGeneratorReplays() {
        let backoff = Backoff(base: 1, cap: 300)
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let a = (1...10).map { backoff.delay(attempt: $0, using: &first) }
        let b = (1...10).map { backoff.delay(attempt: $0, using: &second) }
        #expect(a == b)
        var other = SplitMix64(seed: 8)
        #expect(a != (1...10).map { backoff.delay(attempt: $0, using: &other) })
    }

    @Test func decorrelatedJitterStaysBetweenBaseAndThreeTimesPrevious() {
        let backoff = Backoff(base: 0.5, cap: 30, jitter: .decorrelated)
        var generator = SplitMix64(seed: 99)
        var previous: TimeInterval?
        for attempt in 1...200 {
            let delay = backoff.delay(attempt: attempt, previous: previous, using: &generator)
            let upper = min(30, max(0.5, (previous ?? 0.5) * 3))
            #expect(delay >= 0.5 && delay <= upper)
            previous = delay
        }
    }

    @Test func capNeverBelowBase() {
        #expect(Backoff(base: 10, cap: 1).cap == 10)
    }
}

@Suite struct JobStateTests {
    @Test func normalLife() {
        #expect(JobState.scheduled.canTransition(to: .available))
        #expect(JobState.available.canTransition(to: .running))
        #expect(JobState.running.canTransition(to: .retryable))
        #expect(JobState.retryable.canTransition(to: .available))
        #expect(JobState.running.canTransition(to: .completed))
    }

    @Test func forbiddenMoves() {
        #expect(!JobState.available.canTransition(to: .completed))  // must run first
        #expect(!JobState.completed.canTransition(to: .running))
        #expect(!JobState.scheduled.canTransition(to: .running))
        #expect(!JobState.running.canTransition(to: .running))
        for state in JobState.allCases { #expect(!state.canTransition(to: state)) }
    }

    @Test func finalizedJobsOnlyComeBackByRetry() {
        for state in JobState.allCases where state.isFinalized { #expect(state.allowedNext == [.available]) }
        #expect(JobState.allCases.filter(\.isFinalized) == [.completed, .discarded, .cancelled])
    }

    @Test func failureDiscardsAfterLastAttempt() {
        #expect(JobState.afterFailure(attempt: 1, maxAttempts: 3) == .retryable)
        #expect(JobState.afterFailure(attempt: 3, maxAttempts: 3) == .discarded)
    }
}
