import ConcordDomain
import Foundation
import Testing

@testable import ConcordQueue

@Suite struct JobOutcomeTests {
    struct Failure: Error, CustomStringConvertible { var description: String { "it broke" } }

    func job(attempt: Int, maxAttempts: Int) -> Job {
        Job(
            id: 1, kind: "k", argsJSON: "{}", organisationID: nil, queue: "default", priority: 1, state: .running,
            attempt: attempt, maxAttempts: maxAttempts, runAt: Date(), attemptedAt: Date(), attemptedBy: "w",
            leaseExpiresAt: Date(), cancelRequestedAt: nil, finalizedAt: nil, errors: [], uniqueKey: nil,
            createdAt: Date())
    }

    @Test func failuresRetryWithGrowingDelaysUntilTheLastAttempt() {
        var generator = SplitMix64(seed: 1)
        let backoff = Backoff(base: 2, cap: 60, jitter: .none)
        let outcomes = (1...4).map { attempt in
            JobOutcome.of(
                .failure(Failure()), job: job(attempt: attempt, maxAttempts: 4), backoff: backoff, using: &generator)
        }
        #expect(
            outcomes == [
                .retry(delay: 2, error: "it broke"), .retry(delay: 4, error: "it broke"),
                .retry(delay: 8, error: "it broke"), .discard(error: "it broke"),
            ])
    }

    @Test func controlErrorsSteerTheJob() {
        var generator = SplitMix64(seed: 1)
        let backoff = Backoff()
        let running = job(attempt: 1, maxAttempts: 5)
        func outcome(_ error: any Error) -> JobOutcome {
            JobOutcome.of(.failure(error), job: running, backoff: backoff, using: &generator)
        }
        #expect(JobOutcome.of(.success(()), job: running, backoff: backoff, using: &generator) == .completed)
        #expect(outcome(JobControl.snooze(.seconds(30))) == .snooze(delay: 30))
        #expect(outcome(JobControl.snooze(.seconds(30))).state == .scheduled)
        #expect(outcome(JobControl.cancel(reason: "x")).state == .cancelled)
        #expect(outcome(JobControl.discard(reason: "x")).state == .discarded)
        #expect(outcome(CancellationError()).error == "the run was cancelled")
    }
}
