import ConcordDomain
import Testing

/// Where a webhook may lead: IPv4, IPv6 and IPv6 forms that carry an IPv4 address are classified alike, and
/// only global addresses (or what the operator allows) pass.
@Suite struct WebhookHostPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", AddressScope.loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
        ("10.1.2.3", .private), ("172.16.0.1", .private), ("172.31.255.255", .private), ("192.168.1.1", .private),
        ("100.64.0.1", .private), ("fc00::1", .private), ("fd12:3456::1", .private),
        ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("fe80::1%eth0", .linkLocal),
        ("0.0.0.0", .unspecified), ("::", .unspecified), ("224.0.0.1", .multicast), ("ff02::1", .multicast),
        ("255.255.255.255", .reserved), ("192.0.2.10", .reserved),
        // IPv4 carried in IPv6 is judged as the IPv4 address it reaches.
        ("::ffff:127.0.0.1", .loopback), ("::ffff:7f00:1", .loopback), ("::ffff:169.254.169.254", .linkLocal),
        ("::ffff:10.0.0.1", .private), ("::10.0.0.1", .private), ("64:ff9b::a9fe:a9fe", .linkLocal),
        ("2002:c0a8:0101::1", .private), ("[::ffff:192.168.0.1]", .private),
        ("93.184.216.34", .global), ("172.32.0.1", .global), ("2606:2800:220:1::1", .global),
        ("::ffff:93.184.216.34", .global), ("8.8.8.8", .global),
    ])
    func addressesAreClassified(_ text: String, _ scope: AddressScope) throws {
        let address = try #require(IPAddress(text), "\(text) parses")
        #expect(AddressScope.of(address) == scope, "\(text)")
    }

    @Test func onlyAddressesParse() {
        for text in ["localhost", "example.com", "1.2.3", "256.0.0.1", "::ffff::1", "", "1.2.3.4.5", "0x7f.1"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
        #expect(IPAddress("::ffff:127.0.0.1")?.description == "::ffff:127.0.0.1")
    }

    @Test func networksContainTheirAddresses() throws {
        let block = try #require(IPNetwork("172.16.0.0/12"))
        #expect(block.contains(IPAddress("172.20.1.1")!))
        #expect(!block.contains(IPAddress("172.32.0.1")!))
        #expect(!block.contains(IPAddress("::ffff:172.20.1.1")!), "families are not mixed")
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("fc00::/7")?.contains(IPAddress("fdff::1")!) == true)
        #expect(IPNetwork("127.0.0.1")?.prefixLength == 32)
    }

    @Test func theOperatorsAllowListLetsNamedHostsAndBlocksThrough() throws {
        let none = WebhookHostPolicy()
        let loopback = [IPAddress("127.0.0.1")!]
        #expect(none.refusal(host: "hooks.example", addresses: [IPAddress("93.184.216.34")!]) == nil)
        #expect(
            none.refusal(host: "localhost", addresses: loopback)
                == "localhost resolves to 127.0.0.1, a loopback address")
        // One bad address among good ones is enough to refuse: either could be the one connected to.
        #expect(
            none.refusal(host: "mixed.example", addresses: [IPAddress("93.184.216.34")!, IPAddress("10.0.0.1")!])
                != nil)
        #expect(none.refusal(host: "nowhere.example", addresses: []) != nil)

        let policy = try WebhookHostPolicy(allowList: " hooks.internal , 127.0.0.1/32,10.20.0.0/16,::1 ")
        #expect(policy.allowedHosts == ["hooks.internal"])
        #expect(policy.allowedNetworks.count == 3)
        #expect(policy.refusal(host: "Hooks.Internal", addresses: [IPAddress("10.9.9.9")!]) == nil)
        #expect(policy.refusal(host: "localhost", addresses: loopback) == nil)
        #expect(policy.refusal(host: "localhost", addresses: [IPAddress("::ffff:127.0.0.1")!]) == nil)
        #expect(policy.refusal(host: "db.internal", addresses: [IPAddress("10.20.3.4")!]) == nil)
        #expect(policy.refusal(host: "other.internal", addresses: [IPAddress("10.21.3.4")!]) != nil)
        #expect(policy.refusal(host: "127.0.0.2", addresses: [IPAddress("127.0.0.2")!]) != nil)
        #expect(throws: WebhookHostPolicy.BadEntry(entry: "10.0.0.0/99")) {
            try WebhookHostPolicy(allowList: "10.0.0.0/99")
        }
    }
}
