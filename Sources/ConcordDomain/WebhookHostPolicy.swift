import Foundation

/// Which hosts a tenant's webhook may call: those whose every address is global, plus what the operator names
/// in an allow-list (host names, addresses or blocks), so that no tenant can make the worker call the services
/// inside the operator's network (a metadata service on 169.254.169.254, a database on 10.0.0.5, the worker's
/// own status port on 127.0.0.1).
public struct WebhookHostPolicy: Sendable, Equatable {
    public var allowedHosts: Set<String>
    public var allowedNetworks: [IPNetwork]

    public init(allowedHosts: Set<String> = [], allowedNetworks: [IPNetwork] = []) {
        self.allowedHosts = Set(allowedHosts.map { $0.lowercased() })
        self.allowedNetworks = allowedNetworks
    }

    /// From a comma-separated list such as `hooks.internal,127.0.0.1,10.20.0.0/16`; a malformed block is refused.
    public init(allowList: String) throws(BadEntry) {
        var hosts: Set<String> = []
        var networks: [IPNetwork] = []
        for entry in allowList.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) })
        where !entry.isEmpty {
            if let network = IPNetwork(entry) {
                networks.append(network)
            } else if entry.contains("/") || entry.contains(" ") {
                throw BadEntry(entry: entry)
            } else {
                hosts.insert(entry.lowercased())
            }
        }
        self.init(allowedHosts: hosts, allowedNetworks: networks)
    }

    public struct BadEntry: Error, Sendable, Equatable {
        public let entry: String

        public init(entry: String) {
            self.entry = entry
        }
    }

    /// Why `host`, resolved to `addresses`, may not be called; nil when it may. A host the operator named is
    /// allowed whatever it resolves to; otherwise every address must be global or inside a named block (a name
    /// with one public and one private address is refused: either could be the one connected to).
    public func refusal(host: String, addresses: [IPAddress]) -> String? {
        if allowedHosts.contains(host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))) {
            return nil
        }
        guard !addresses.isEmpty else { return "\(host) does not resolve to any address" }
        for address in addresses {
            let scope = AddressScope.of(address)
            guard scope != .global else { continue }
            if allowedNetworks.contains(where: { $0.contains(address) })
                || address.embeddedIPv4.map({ v4 in allowedNetworks.contains { $0.contains(v4) } }) == true
            {
                continue
            }
            return "\(host) resolves to \(address), a \(scope.rawValue) address"
        }
        return nil
    }
}
