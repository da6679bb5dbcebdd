/// Errors a handler throws to steer its job instead of failing it; any other error fails the run (and the
/// job is retried after a backoff, or discarded after its last attempt).
public enum JobControl: Error, Sendable, Equatable {
    /// Run again after `delay` without using up an attempt (waiting on something outside).
    case snooze(Duration)
    /// Stop for good, as cancelled: no retry.
    case cancel(reason: String)
    /// Stop for good, as discarded (kept for inspection and retry by hand): no retry.
    case discard(reason: String)
}
