import Dispatch
import Foundation

/// Waits for SIGINT or SIGTERM, so a foreground command can clean up (stop its cluster) before exiting.
enum SignalWaiter {
    static func waitForTermination() async throws {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                Once.keep(source)
            }
        }
    }

    private final class Once: @unchecked Sendable {
        private var continuation: CheckedContinuation<Void, Never>?
        private let lock = NSLock()
        nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

        func resume() {
            lock.withLock {
                continuation?.resume()
                continuation = nil
            }
        }

        static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
    }
}
