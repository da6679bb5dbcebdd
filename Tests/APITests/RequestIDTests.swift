import Foundation
import Testing

@testable import ConcordAPI

/// A request that brings no id gets a random UUID in lower case, spelled from its bytes as
/// `uuidString.lowercased()` would spell it: version 4, RFC 4122 variant, none repeated across the refills
/// of the random reserve (256 ids each).
@Suite struct RequestIDTests {
    @Test func generatedIDsAreLowerCaseRandomUUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let id = RequestIDMiddleware.newID()
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }
}
