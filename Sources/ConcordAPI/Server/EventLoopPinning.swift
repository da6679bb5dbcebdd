import HummingbirdCore
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's requests handled on the connection's own event loop.
    ///
    /// Hummingbird runs a connection's handler as a task on Swift's global executor, so every request crossed
    /// threads twice more than it needs to: the event loop wakes a pool thread to take the request, and the
    /// pool thread wakes the event loop to send the answer (an `eventfd` write and read, a thread switch
    /// each; Benchmarks/api). With the task preferring the loop's thread, both stay on it; only a database
    /// answer still comes from another thread (PQ's reactor).
    public static func http1OnConnectionLoops() -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            EventLoopPinnedChannel(HTTP1Channel(responder: responder, configuration: .init()))
        }
    }
}

/// A child channel whose handling task prefers the channel's event loop as its executor.
struct EventLoopPinnedChannel<Inner: ServerChildChannel>: ServerChildChannel {
    typealias Value = Inner.Value
    let inner: Inner

    init(_ inner: Inner) {
        self.inner = inner
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

/// An event loop as a task executor: jobs run on the loop's thread, queued behind its I/O work. A job enqueued
/// from the loop's own thread (a task resumed by the loop's reads and writes) needs no wake-up.
final class EventLoopTaskExecutor: TaskExecutor {
    private let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Runs `work` on Swift's global executor rather than the connection's event loop: for a handler's long stretch
/// of CPU without an await (CSV import and export), which on the loop would hold every other connection the
/// loop serves, not even reading them, until it ends.
func offTheEventLoop<T>(_ work: () async throws -> T) async throws -> T {
    try await withTaskExecutorPreference(globalConcurrentExecutor, operation: work)
}
