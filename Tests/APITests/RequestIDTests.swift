import Foundation
import Testing

@testable import ConcordAPI

/// A request that brings no id gets a random UUID in lower case, spelled from its bytes as
/// `uuidString.lowercased()` would spell it.
@Suite struct RequestIDTests {
    @Test func generatedIDsAreLowerCaseRandomUUIDs() throws {
        var seen = Set<String>()
        for _ in 0..<1_000 {
            let id = RequestIDMiddleware.newID()
            let parsed = try #require(UUID(uuidString: id))
            #expect(parsed.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            seen.insert(id)
        }
        #expect(seen.count == 1_000)
    }
}
