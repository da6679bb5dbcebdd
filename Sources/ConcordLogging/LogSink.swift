import Foundation

/// Where finished log lines go: standard error for the processes, memory for tests.
public struct LogSink: Sendable {
    public let write: @Sendable (Data) -> Void

    public init(write: @escaping @Sendable (Data) -> Void) {
        self.write = write
    }

    /// One `write(2)` per line, under a lock, so lines from concurrent tasks never interleave.
    public static let standardError: LogSink = {
        let lock = NSLock()
        return LogSink { line in lock.withLock { FileHandle.standardError.write(line) } }
    }()
}
