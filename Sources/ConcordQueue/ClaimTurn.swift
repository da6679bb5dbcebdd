import Foundation

/// Whose turn it is to claim. A worker claims from two places: its dispatch loop (after a wake-up, a tick or
/// a finished job) and its completion writer (in the same round trip as a batch of completions). One claim
/// at a time keeps them from together taking more jobs than there are free slots.
///
/// Also what the last claim saw: one that came back short means the queue looked drained, and until a
/// wake-up or a tick only those can bring new work, so finished jobs alone do not start claims.
final class ClaimTurn: Sendable {
    private struct State {
        var claiming = false
        var drained = false
        /// A wake-up or tick came that no claim has started after.
        var woken = false
        /// Shutting down: no claim starts any more.
        var closed = false
        /// `close()` callers waiting for the claim in flight to end.
        var closing: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Locked(State())

    /// Jobs may be waiting (a notification, a promotion, the poll), whatever the last claim saw.
    func wake() {
        state.withLock { state in
            state.drained = false
            state.woken = true
        }
    }

    /// Takes the turn, when no claim is in flight and one is worth sending: after a wake-up, or when the
    /// queue did not look drained and `enoughFree` slots are free.
    func begin(enoughFree: Bool) -> Bool {
        state.withLock { state in
            guard !state.closed, !state.claiming, state.woken || (!state.drained && enoughFree) else {
                return false
            }
            state.claiming = true
            state.woken = false
            return true
        }
    }

    /// Gives the turn back; `short` when the claim brought fewer jobs than it asked for (not when it failed).
    /// The queue then looks drained, unless a wake-up came while the claim was out.
    func end(short: Bool) {
        let closing = state.withLock { state in
            state.claiming = false
            if short && !state.woken { state.drained = true }
            defer { state.closing = [] }
            return state.closing
        }
        for waiter in closing { waiter.resume() }
    }

    /// Refuses every later claim and returns once the claim in flight, if any, has ended, so that the jobs it
    /// brought are in the running set before a shutdown takes that set to hand it back.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state in
                state.closed = true
                if state.claiming { state.closing.append(continuation) }
                return !state.claiming
            }
            if now { continuation.resume() }
        }
    }
}
