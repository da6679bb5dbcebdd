/// Where an address leads: the public internet, or somewhere a tenant's webhook must not reach (this host,
/// the operator's private networks, the link, every host at once).
public enum AddressScope: String, Sendable, CaseIterable {
    case global
    case loopback
    /// RFC 1918, carrier-grade NAT (100.64/10), IPv6 unique-local (fc00::/7) and the old site-local (fec0::/10).
    case `private`
    /// 169.254/16 (cloud metadata services live here) and fe80::/10.
    case linkLocal = "link-local"
    case unspecified
    case multicast
    /// Broadcast, reserved and documentation blocks: nothing a webhook has any business calling.
    case reserved

    public static func of(_ address: IPAddress) -> AddressScope {
        if let v4 = address.embeddedIPv4 { return of(v4) }
        let blocks = address.isIPv4 ? ipv4 : ipv6
        return blocks.first { $0.network.contains(address) }?.scope ?? .global
    }

    private static func table(_ entries: [(String, AddressScope)]) -> [(network: IPNetwork, scope: AddressScope)] {
        entries.map { (IPNetwork($0.0)!, $0.1) }
    }

    private static let ipv4 = table([
        ("0.0.0.0/8", .unspecified), ("127.0.0.0/8", .loopback), ("10.0.0.0/8", .private),
        ("172.16.0.0/12", .private), ("192.168.0.0/16", .private), ("100.64.0.0/10", .private),
        ("169.254.0.0/16", .linkLocal), ("224.0.0.0/4", .multicast), ("240.0.0.0/4", .reserved),
        ("192.0.0.0/24", .reserved), ("192.0.2.0/24", .reserved), ("198.18.0.0/15", .reserved),
        ("198.51.100.0/24", .reserved), ("203.0.113.0/24", .reserved),
    ])

    private static let ipv6 = table([
        ("::/128", .unspecified), ("::1/128", .loopback), ("fc00::/7", .private), ("fec0::/10", .private),
        ("fe80::/10", .linkLocal), ("ff00::/8", .multicast), ("100::/64", .reserved), ("2001:db8::/32", .reserved),
    ])
}
