import Foundation

/// The jobs a worker is running: their handler tasks, and whether their outcome is being recorded.
final class RunningJobs: Sendable {
    struct Entry {
        let attempt: Int
        /// The task running the handler, attached just after the entry is made.
        var handler: Task<Void, Never>?
        /// Cancelled before the handler was attached: attaching cancels it.
        var cancelled = false
        /// The handler returned and its outcome is being written; no longer handed back on shutdown.
        var finishing = false
    }

    private struct State {
        var entries: [Int64: Entry] = [:]
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
        var cancelledWaiters: Set<UUID> = []
    }

    private let state = Locked(State())

    var count: Int { state.withLock { $0.entries.count } }

    func insert(id: Int64, attempt: Int) {
        state.withLock { $0.entries[id] = Entry(attempt: attempt) }
    }

    /// Attaches the task running the run's handler; cancels it at once when a cancel came first or the run
    /// is no longer here (handed back at shutdown, or already finished).
    func attach(_ handler: Task<Void, Never>, id: Int64, attempt: Int) {
        let cancel = state.withLock { state -> Bool in
            guard state.entries[id]?.attempt == attempt else { return true }
            state.entries[id]?.handler = handler
            return state.entries[id]?.cancelled == true
        }
        if cancel { handler.cancel() }
    }

    /// Marks the job as finishing; false when it was handed back meanwhile (its outcome must not be written).
    func beginFinishing(id: Int64, attempt: Int) -> Bool {
        state.withLock { state in
            guard state.entries[id]?.attempt == attempt else { return false }
            state.entries[id]?.finishing = true
            return true
        }
    }

    /// How many of these runs are here: the slots that removing them frees.
    func count(of runs: [(id: Int64, attempt: Int)]) -> Int {
        state.withLock { state in runs.count { state.entries[$0.id]?.attempt == $0.attempt } }
    }

    func remove(id: Int64, attempt: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard state.entries[id]?.attempt == attempt else { return [] }
            state.entries[id] = nil
            guard state.entries.isEmpty else { return [] }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// The running (not finishing) jobs and their attempts, for lease renewal.
    var leases: [(id: Int64, attempt: Int)] {
        state.withLock { state in
            state.entries.filter { !$0.value.finishing }.map { (id: $0.key, attempt: $0.value.attempt) }
        }
    }

    /// Cancels the handler of one job (a cancel request, or a lease lost to the rescuer).
    func cancelHandler(id: Int64) {
        let handler = state.withLock { state -> Task<Void, Never>? in
            guard state.entries[id] != nil else { return nil }
            state.entries[id]?.cancelled = true
            return state.entries[id]?.handler
        }
        handler?.cancel()
    }

    /// Removes the jobs still running (not finishing) and returns them, for hand-back at shutdown (a handler
    /// not attached yet is cancelled when it is).
    func takeRunning() -> [(id: Int64, attempt: Int, handler: Task<Void, Never>?)] {
        let (taken, waiters) = state.withLock { state -> ([Int64: Entry], [CheckedContinuation<Void, Never>]) in
            let taken = state.entries.filter { !$0.value.finishing }
            for id in taken.keys { state.entries[id] = nil }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if state.entries.isEmpty {
                waiters = Array(state.waiters.values)
                state.waiters.removeAll()
            }
            return (taken, waiters)
        }
        for waiter in waiters { waiter.resume() }
        return taken.map { (id: $0.key, attempt: $0.value.attempt, handler: $0.value.handler) }
    }

    /// Returns once no job is running or finishing, or when the calling task is cancelled.
    func waitUntilEmpty() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.entries.isEmpty || state.cancelledWaiters.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.resume()
        }
    }

    /// Waits until empty, at most `timeout`; true when empty.
    func waitUntilEmpty(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.waitUntilEmpty()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first || count == 0
        }
    }
}
