import Foundation

/// Runs `work`, which blocks (it waits for a child process), on a thread of its own, and awaits it.
///
/// Swift's cooperative pool has a thread per core and does not grow when one blocks: on a two-core machine
/// two tasks waiting in `waitpid` at once stall every other task of the process, and a test's HTTP client,
/// resumed late, reports a time-out for a server that answered.
public func onThreadOfItsOwn<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}
