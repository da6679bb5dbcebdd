import Foundation

/// Jobs whose handlers returned and whose completion is not written yet.
///
/// Completions share statements the way a database groups commits: while one write is in flight, the jobs
/// that complete meanwhile gather here and go out together in the next one. There is no timer, so a lone
/// completion is written at once, and under load a batch is as large as the jobs finished during one write.
final class CompletedJobs: Sendable {
    struct Entry: Sendable {
        let id: Int64
        let attempt: Int
        let kind: String
    }

    private struct State {
        var pending: [Entry] = []
        var writing = false
    }

    private let state = Locked(State())

    /// Adds a completed job; true when the caller must write (no writer is at work), false when the writer
    /// at work will take it.
    func add(_ entry: Entry) -> Bool {
        state.withLock { state in
            state.pending.append(entry)
            if state.writing { return false }
            state.writing = true
            return true
        }
    }

    /// The writer's next batch, at most `limit` jobs; empty when none is left, which ends the writer's turn.
    func take(limit: Int) -> [Entry] {
        state.withLock { state in
            guard !state.pending.isEmpty else {
                state.writing = false
                return []
            }
            let count = min(limit, state.pending.count)
            let batch = Array(state.pending.prefix(count))
            state.pending.removeFirst(count)
            return batch
        }
    }
}
