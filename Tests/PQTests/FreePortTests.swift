import Foundation
import LocalPostgres
import Testing

/// `LocalPostgres.freePort`, which test servers listen on seconds after it is chosen: below the kernel's
/// ephemeral range, so no client connection of the run can take it meanwhile.
@Suite struct FreePortTests {
    @Test func portsComeFromBelowTheEphemeralRange() throws {
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let ephemeralStart = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        for _ in 0..<20 {
            let port = try LocalPostgres.freePort()
            #expect(port < ephemeralStart, "port \(port) is in the ephemeral range from \(ephemeralStart)")
            #expect(port >= 1024)
        }
    }
}
