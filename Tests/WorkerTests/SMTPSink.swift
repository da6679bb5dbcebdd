import Foundation

/// Python's aiosmtpd on a free loopback port, started for one test; each message it receives arrives on
/// `messages` (envelope line, then the content), so tests await delivery instead of sleeping.
final class SMTPSink: @unchecked Sendable {
    let port: Int
    let messages: AsyncStream<String>
    private let process: Process
    private let input: Pipe

    private static let script = """
        import socket, sys
        from aiosmtpd.controller import Controller
        class Sink:
            async def handle_DATA(self, server, session, envelope):
                content = envelope.content.decode("utf-8", "replace").replace("\\r\\n", "\\n")
                sys.stdout.write("MAIL FROM:%s RCPT TO:%s\\n%s\\n.END\\n" % (
                    envelope.mail_from, ",".join(envelope.rcpt_tos), content))
                sys.stdout.flush()
                return "250 OK"
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        sys.stdout.write("PORT %d\\n" % port)
        sys.stdout.flush()
        sys.stdin.readline()
        controller.stop()
        """

    /// Starts the sink and waits (at most `timeout`) until it listens.
    init(timeout: Duration = .seconds(20)) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        self.process = process
        self.input = input

        let (ports, portSink) = AsyncStream<Int>.makeStream()
        let (messages, messageSink) = AsyncStream<String>.makeStream()
        self.messages = messages
        let handle = output.fileHandleForReading
        Thread {
            var pending = ""
            var current: [String] = []
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                pending += String(decoding: data, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending = String(pending[pending.index(after: newline)...])
                    if line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) {
                        portSink.yield(port)
                        portSink.finish()
                    } else if line == ".END" {
                        messageSink.yield(current.joined(separator: "\n"))
                        current = []
                    } else {
                        current.append(line)
                    }
                }
            }
            portSink.finish()
            messageSink.finish()
        }.start()

        guard let port = try await withTimeout(timeout, { await ports.first { _ in true } }) else {
            process.terminate()
            throw POSIXError(.ECONNREFUSED)
        }
        self.port = port
    }

    /// The next message, or `TimedOut`.
    func nextMessage(timeout: Duration = .seconds(20)) async throws -> String? {
        let messages = messages
        return try await withTimeout(timeout) { await messages.first { _ in true } }
    }

    /// Ends the sink: it stops when told so on stdin. (Neither EOF nor SIGTERM is reliable here: a
    /// PostgreSQL started later by the test process may hold the pipe's write end, and the child may
    /// inherit a signal mask that blocks SIGTERM.)
    func stop() {
        try? input.fileHandleForWriting.write(contentsOf: Data("quit\n".utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

struct TimedOut: Error {}

/// Runs `body`, failing with `TimedOut` when it takes longer than `limit`.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut()
        }
        let value = try await group.next()!
        group.cancelAll()
        return value
    }
}
