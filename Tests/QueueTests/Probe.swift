import Foundation

/// Values reported by job handlers, and a bounded wait for the n-th one: tests wait on what the code does,
/// never on a sleep.
actor Probe<Value: Sendable> {
    private(set) var values: [Value] = []
    private var waiters: [(id: Int, count: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    func record(_ value: Value) {
        values.append(value)
        let ready = waiters.filter { $0.count <= values.count }
        waiters.removeAll { $0.count <= values.count }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Returns once `count` values were recorded; throws `TimedOut` after `timeout`.
    func wait(forCount count: Int, timeout: Duration = .seconds(20), _ what: String = "values") async throws {
        if values.count >= count { return }
        nextID += 1
        let id = nextID
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            waiters.append((id, count, continuation))
            Task {
                try? await Task.sleep(for: timeout)
                await self.expire(id, TimedOut(what: "\(what): \(count) expected within \(timeout)"))
            }
        }
    }

    private func expire(_ id: Int, _ error: TimedOut) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` when it takes longer than `timeout` (the body is cancelled).
func within<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(what: what) }
        return value
    }
}
