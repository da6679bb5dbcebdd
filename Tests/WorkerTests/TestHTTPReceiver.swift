import Foundation

/// One request the receiver got.
struct ReceivedRequest: Sendable {
    let method: String
    let path: String
    /// Lower-cased names.
    let headers: [String: String]
    let body: Data
}

/// A minimal HTTP/1.1 server on a loopback port, on its own thread: it reads each request whole, records
/// it, then answers with the next status of `statuses` (the last one repeats) and closes the connection.
/// Status 0 never answers: the connection stays open until `stop()`, so the client times out.
final class TestHTTPReceiver: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var statuses: [Int]
    private var received: [ReceivedRequest] = []
    private var held: [Int32] = []
    private var holdNextRequest = false

    init(statuses: [Int]) throws {
        self.statuses = statuses
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    var url: String { "http://127.0.0.1:\(port)/hooks/concord" }

    var requests: [ReceivedRequest] { lock.withLock { received } }

    /// Requests held unanswered now.
    var heldCount: Int { lock.withLock { held.count } }

    /// Holds the next request unanswered (as status 0 does) until `answerHeld`.
    func holdNext() { lock.withLock { holdNextRequest = true } }

    /// Answers the requests held so far (status 0) with `status`, as a late answer.
    func answerHeld(status: Int) {
        let clients = lock.withLock {
            defer { held.removeAll() }
            return held
        }
        let response = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        for client in clients {
            _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
            close(client)
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        lock.withLock { held }.forEach { close($0) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            if let request = read(client) {
                let status = lock.withLock {
                    received.append(request)
                    if holdNextRequest {
                        holdNextRequest = false
                        return 0
                    }
                    return statuses.count > 1 ? statuses.removeFirst() : statuses.first ?? 200
                }
                if status == 0 {
                    lock.withLock { held.append(client) }
                    continue
                }
                let response = "HTTP/1.1 \(status) Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = Array(response.utf8).withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
            }
            close(client)
        }
    }

    private func read(_ client: Int32) -> ReceivedRequest? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        var contentLength = 0
        while true {
            if headerEnd == nil, let end = buffer.firstRange(of: separator)?.lowerBound {
                headerEnd = end
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                for line in head.components(separatedBy: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let end = headerEnd, buffer.count >= end + 4 + contentLength { break }
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
        let end = headerEnd!
        let lines = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return ReceivedRequest(
            method: requestLine.first.map(String.init) ?? "",
            path: requestLine.dropFirst().first.map(String.init) ?? "",
            headers: headers, body: Data(buffer[(end + 4)..<(end + 4 + contentLength)]))
    }
}
