import ConcordDomain
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A host's addresses, as the system resolver gives them (`getaddrinfo`: /etc/hosts, then DNS).
public struct HostResolver: Sendable {
    public init() {}

    /// Every address of `host`; an address literal is its own answer; none when it does not resolve.
    public func addresses(of host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        // getaddrinfo blocks: on a thread of its own, not one of the cooperative pool's few.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Self.resolve(host)) }
        }
    }

    private static func resolve(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var found: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor?.pointee {
            cursor = entry.ai_next
            guard let socketAddress = entry.ai_addr else { continue }
            var bytes: [UInt8] = []
            switch entry.ai_family {
            case AF_INET:
                socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var address = v4.pointee.sin_addr
                    bytes = withUnsafeBytes(of: &address) { Array($0) }
                }
            case AF_INET6:
                socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var address = v6.pointee.sin6_addr
                    bytes = withUnsafeBytes(of: &address) { Array($0) }
                }
            default:
                continue
            }
            if let address = IPAddress(bytes: bytes), !found.contains(address) { found.append(address) }
        }
        return found
    }
}
