import Foundation

/// Where email nudges go: a plain SMTP relay (no TLS, no authentication; run one on the host or use a
/// relay the network trusts).
public struct SMTPConfiguration: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The envelope sender and From: address.
    public var from: String
    /// The name given in EHLO.
    public var heloName: String
    /// For connecting and for each reply.
    public var timeout: TimeInterval

    public init(
        host: String, port: Int = 25, from: String, heloName: String = "concord.localhost",
        timeout: TimeInterval = 10
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.timeout = timeout
    }

    /// How the endpoint is recorded in `nudge_deliveries`.
    public var endpointDescription: String { "smtp://\(host):\(port)" }
}

/// An SMTP failure; `code` is the server's reply code when it answered.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    public let code: Int?
    public let description: String
}

/// A small SMTP client over a TCP socket: EHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed), QUIT.
///
/// Blocking socket calls run on a Dispatch thread, never on the Swift concurrency pool.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration

    public init(configuration: SMTPConfiguration) {
        self.configuration = configuration
    }

    /// Sends one plain-text message; returns the reply code that accepted it (250).
    public func send(to recipient: String, subject: String, body: String) async throws -> Int {
        let configuration = configuration
        let message = Self.message(from: configuration.from, to: recipient, subject: subject, body: body)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try Self.converse(configuration: configuration, recipient: recipient, message: message)
                    })
            }
        }
    }

    /// Headers and body with CRLF line ends; a non-ASCII subject is RFC 2047 encoded.
    static func message(from: String, to: String, subject: String, body: String) -> String {
        let encodedSubject =
            subject.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 }
            ? subject : "=?utf-8?B?\(Data(subject.utf8).base64EncodedString())?="
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let domain = from.split(separator: "@").last.map(String.init) ?? "concord.localhost"
        let headers = [
            "From: \(from)", "To: \(to)", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: Date()))",
            "Message-ID: <\(UUID().uuidString.lowercased())@\(domain)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
        ]
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(
            separator: "\n", omittingEmptySubsequences: false)
        return (headers + [""] + lines.map(String.init)).joined(separator: "\r\n")
    }

    /// Dot-stuffing (RFC 5321 4.5.2): a line starting with "." gets another, so it cannot end DATA.
    static func dotStuffed(_ message: String) -> String {
        message.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    private static func converse(configuration: SMTPConfiguration, recipient: String, message: String) throws -> Int {
        let connection = try SMTPSocket(
            host: configuration.host, port: configuration.port, timeout: configuration.timeout)
        defer { connection.disconnect() }
        try expect(connection.readReply(), 220, "greeting")
        try connection.writeAll("EHLO \(configuration.heloName)\r\n")
        try expect(connection.readReply(), 250, "EHLO")
        try connection.writeAll("MAIL FROM:<\(configuration.from)>\r\n")
        try expect(connection.readReply(), 250, "MAIL FROM")
        try connection.writeAll("RCPT TO:<\(recipient)>\r\n")
        let rcpt = try connection.readReply()
        guard rcpt.code == 250 || rcpt.code == 251 else {
            throw SMTPError(code: rcpt.code, description: "RCPT TO: \(rcpt.text)")
        }
        try connection.writeAll("DATA\r\n")
        try expect(connection.readReply(), 354, "DATA")
        try connection.writeAll(dotStuffed(message) + "\r\n.\r\n")
        let accepted = try connection.readReply()
        try expect(accepted, 250, "end of DATA")
        try? connection.writeAll("QUIT\r\n")
        _ = try? connection.readReply()
        return accepted.code
    }

    private static func expect(_ reply: (code: Int, text: String), _ code: Int, _ step: String) throws {
        guard reply.code == code else { throw SMTPError(code: reply.code, description: "\(step): \(reply.text)") }
    }
}

/// A blocking TCP connection with send and receive timeouts, reading SMTP replies line by line.
private final class SMTPSocket {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(host: String, port: Int, timeout: TimeInterval) throws {
        fd = try Self.openConnection(host: host, port: port, timeout: timeout)
    }

    /// The first address of `host` that accepts a connection, with both timeouts set on the socket.
    private static func openConnection(host: String, port: Int, timeout: TimeInterval) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw SMTPError(code: nil, description: "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            let socketFD = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if socketFD >= 0 {
                setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                setsockopt(socketFD, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
                if connect(socketFD, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return socketFD }
                close(socketFD)
            }
            candidate = info.pointee.ai_next
        }
        throw SMTPError(
            code: nil, description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
    }

    func writeAll(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw SMTPError(code: nil, description: "connection lost while sending") }
            sent += written
        }
    }

    /// One reply, possibly multi-line ("250-..." lines then "250 ...").
    func readReply() throws -> (code: Int, text: String) {
        var lines: [String] = []
        while true {
            let line = try readLine()
            lines.append(line)
            let characters = Array(line)
            guard characters.count >= 3, let code = Int(String(characters[0..<3])) else {
                throw SMTPError(code: nil, description: "malformed reply: \(line)")
            }
            if characters.count == 3 || characters[3] == " " { return (code, lines.joined(separator: "\n")) }
        }
    }

    private func readLine() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return String(decoding: line.last == 13 ? line.dropLast() : line, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else {
                throw SMTPError(code: nil, description: count == 0 ? "server closed the connection" : "timed out")
            }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    func disconnect() { close(fd) }
}
