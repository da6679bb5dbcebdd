import ConcordDomain
import Foundation

/// What becomes of a job after its handler returned or threw: the pure part of finishing a run.
enum JobOutcome: Sendable, Equatable {
    case completed
    /// Failed with attempts left: run again after `delay` seconds.
    case retry(delay: TimeInterval, error: String)
    case discard(error: String)
    case cancel(reason: String)
    /// Run again after `delay` seconds, giving back the attempt.
    case snooze(delay: TimeInterval)

    /// The outcome of a run of `job` (whose `attempt` counts this run) that ended with `result`.
    static func of(
        _ result: Result<Void, any Error>, job: Job, backoff: Backoff,
        using generator: inout some RandomNumberGenerator
    ) -> JobOutcome {
        let error: any Error
        switch result {
        case .success: return .completed
        case .failure(let failure): error = failure
        }
        switch error {
        case JobControl.snooze(let delay): return .snooze(delay: max(0, delay.seconds))
        case JobControl.cancel(let reason): return .cancel(reason: "cancelled by its handler: \(reason)")
        case JobControl.discard(let reason): return .discard(error: "discarded by its handler: \(reason)")
        default: break
        }
        let text = error is CancellationError ? "the run was cancelled" : String(describing: error)
        switch JobState.afterFailure(attempt: job.attempt, maxAttempts: job.maxAttempts) {
        case .retryable:
            return .retry(delay: backoff.delay(attempt: job.attempt, using: &generator), error: text)
        default:
            return .discard(error: text)
        }
    }

    /// The state written, before a pending cancel request turns anything but completion into `cancelled`.
    var state: JobState {
        switch self {
        case .completed: .completed
        case .retry: .retryable
        case .discard: .discarded
        case .cancel: .cancelled
        case .snooze: .scheduled
        }
    }

    var delay: TimeInterval? {
        switch self {
        case .retry(let delay, _), .snooze(let delay): delay
        default: nil
        }
    }

    var error: String? {
        switch self {
        case .retry(_, let error), .discard(let error), .cancel(let error): error
        default: nil
        }
    }
}
