import ConcordDomain
import Foundation

/// Decides whether a webhook URL may be called: an http(s) URL whose host resolves only to addresses the
/// policy allows. The API asks when an endpoint is saved; the worker asks again before each send and connects
/// to the address it checked, because what a name resolves to can change in between (DNS rebinding).
public struct WebhookURLGuard: Sendable {
    public let policy: WebhookHostPolicy
    let resolver: HostResolver

    public init(policy: WebhookHostPolicy, resolver: HostResolver = HostResolver()) {
        self.policy = policy
        self.resolver = resolver
    }

    /// A URL that passed: its host, and the address to connect to.
    public struct Checked: Sendable, Equatable {
        public let host: String
        public let address: IPAddress
        /// True when `host` is an address itself (nothing to pin).
        public var hostIsAddress: Bool { IPAddress(host) != nil }
    }

    public struct Refused: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public func check(_ url: String) async -> Result<Checked, Refused> {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            var host = parsed.host(percentEncoded: false), !host.isEmpty
        else {
            return .failure(Refused(reason: "not an http or https URL with a host"))
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let addresses = await resolver.addresses(of: host)
        if let refusal = policy.refusal(host: host, addresses: addresses) {
            return .failure(Refused(reason: refusal + " (CONCORD_WEBHOOK_ALLOW_HOSTS can allow it)"))
        }
        // IPv4 first: a receiver is more often reachable over it than over IPv6 from a server's network.
        guard let address = addresses.first(where: \.isIPv4) ?? addresses.first else {
            return .failure(Refused(reason: "\(host) does not resolve to any address"))
        }
        return .success(Checked(host: host, address: address))
    }
}
