import CLibPQ
import Foundation

/// What a listener reports.
public enum ListenerEvent: Sendable, Equatable {
    /// LISTEN is in place (first time, or again after a lost connection). Notifications sent while the
    /// connection was down are lost, so a consumer should look for work it may have missed.
    case listening
    case notification(channel: String, payload: String)
}

/// LISTEN on a dedicated connection, as an async sequence that survives lost connections.
///
/// The connection lives on its own thread, which waits on the socket with `poll`; when the connection
/// drops, the thread reconnects with a growing pause and issues LISTEN again.
public final class NotificationListener: Sendable {
    public let conninfo: String
    public let channels: [String]
    private let reconnectDelay: Duration

    public init(conninfo: String, channels: [String], reconnectDelay: Duration = .milliseconds(200)) {
        self.conninfo = conninfo
        self.channels = channels
        self.reconnectDelay = reconnectDelay
    }

    /// Starts listening; ends when the consumer stops iterating.
    public func events() -> AsyncStream<ListenerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ListenerEvent.self, bufferingPolicy: .unbounded)
        let loop = ListenLoop(
            conninfo: conninfo, channels: channels, reconnectDelay: reconnectDelay, continuation: continuation)
        continuation.onTermination = { _ in loop.stop() }
        startNamedThread("pq.listener") { loop.run() }
        return stream
    }
}

private final class ListenLoop: @unchecked Sendable {
    let conninfo: String
    let channels: [String]
    let reconnectDelay: Duration
    let continuation: AsyncStream<ListenerEvent>.Continuation
    private let lock = NSLock()
    private var stopped = false

    init(
        conninfo: String, channels: [String], reconnectDelay: Duration,
        continuation: AsyncStream<ListenerEvent>.Continuation
    ) {
        self.conninfo = conninfo
        self.channels = channels
        self.reconnectDelay = reconnectDelay
        self.continuation = continuation
    }

    func stop() { lock.withLock { stopped = true } }
    private var isStopped: Bool { lock.withLock { stopped } }

    func run() {
        var failures = 0
        while !isStopped {
            if let handle = connectAndListen() {
                failures = 0
                continuation.yield(.listening)
                receive(on: handle)
                PQfinish(handle)
            } else {
                failures += 1
            }
            // A growing pause, capped, so a long outage does not spin.
            let pause = reconnectDelay * min(1 << min(failures, 5), 32)
            sleepUnlessStopped(pause)
        }
        continuation.finish()
    }

    private func connectAndListen() -> OpaquePointer? {
        guard let handle = PQconnectdb(conninfo) else { return nil }
        guard PQstatus(handle) == CONNECTION_OK else {
            PQfinish(handle)
            return nil
        }
        for channel in channels {
            // LISTEN takes an identifier, not a parameter; libpq quotes it.
            guard let quoted = PQescapeIdentifier(handle, channel, channel.utf8.count) else {
                PQfinish(handle)
                return nil
            }
            let statement = "LISTEN " + String(cString: quoted)
            PQfreemem(quoted)
            let result = PQexec(handle, statement)
            let ok = result.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
            if let result { PQclear(result) }
            guard ok else {
                PQfinish(handle)
                return nil
            }
        }
        return handle
    }

    /// Waits on the socket until the connection breaks or the consumer goes away.
    private func receive(on handle: OpaquePointer) {
        while !isStopped {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 250)
            if ready < 0 && errno != EINTR { return }
            if ready > 0 {
                guard PQconsumeInput(handle) == 1 else { return }
                while let notify = PQnotifies(handle) {
                    let channel = String(cString: notify.pointee.relname)
                    let payload = String(cString: notify.pointee.extra)
                    PQfreemem(notify)
                    continuation.yield(.notification(channel: channel, payload: payload))
                }
            }
            if PQstatus(handle) != CONNECTION_OK { return }
        }
    }

    private func sleepUnlessStopped(_ duration: Duration) {
        let deadline = ContinuousClock.now + duration
        while !isStopped && ContinuousClock.now < deadline {
            usleep(20_000)
        }
    }
}
