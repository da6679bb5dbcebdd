import Foundation

/// A TCP proxy on loopback that counts network round trips between a client and PostgreSQL.
///
/// A round trip starts each time the client sends after the server last spoke (or for the first time):
/// bytes the client sends before any answer arrives belong to the same flight, however they are split.
public final class RoundTripProxy: @unchecked Sendable {
    public let port: Int
    private let targetPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var flights = 0
    private var serverSpokeLast = true
    /// Connections accepted while `holding`: kept open, never forwarded, never answered.
    private var holding = false
    private var held: [Int32] = []

    public init(targetPort: Int) throws {
        self.targetPort = targetPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        listener = fd
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Round trips counted since the last reset.
    public var roundTrips: Int { lock.withLock { flights } }

    public func reset() {
        lock.withLock {
            flights = 0
            serverSpokeLast = true
        }
    }

    /// From now on new connections are accepted and then left unanswered, like a server that stopped
    /// responding; connections already open keep working.
    public func holdNewConnections() {
        lock.withLock { holding = true }
    }

    /// Closes the connections held so far and forwards new ones again.
    public func releaseHeld() {
        let closing = lock.withLock {
            holding = false
            defer { held.removeAll() }
            return held
        }
        for client in closing { close(client) }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let kept = lock.withLock {
                if holding { held.append(client) }
                return holding
            }
            if kept { continue }
            let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: targetPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(server)
                continue
            }
            Thread { [self] in pump(from: client, to: server, clientSide: true) }.start()
            Thread { [self] in pump(from: server, to: client, clientSide: false) }.start()
        }
    }

    private func pump(from source: Int32, to target: Int32, clientSide: Bool) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(source, &buffer, buffer.count)
            if count <= 0 { break }
            lock.withLock {
                if clientSide {
                    if serverSpokeLast { flights += 1 }
                    serverSpokeLast = false
                } else {
                    serverSpokeLast = true
                }
            }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { write(target, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                sent += written
            }
        }
        shutdown(target, Int32(SHUT_WR))
    }
}
