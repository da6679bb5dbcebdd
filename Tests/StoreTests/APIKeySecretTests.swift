import ConcordStore
import Testing

/// The key's hash is what the database stores and looks keys up by: it must stay SHA-256 in lower-case hex.
@Suite struct APIKeySecretTests {
    @Test func hashIsTheLowerCaseHexSHA256OfTheWholeKey() {
        // Expected values from `printf '%s' <key> | sha256sum`.
        #expect(
            APIKeySecret("concord_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG").hashHex
                == "a89859a14b33963f6b137dee338bb69d04c6c8d30fcdcafcaca614edc52623fe")
        #expect(
            APIKeySecret("concord_é").hashHex == "c4a7d024c581826326462ea98afb408abacbaa89cd2e2fd321820706d7188075")
        let generated = APIKeySecret.generate()
        #expect(generated.hashHex.count == 64)
        #expect(generated.hashHex == generated.hashHex.lowercased())
    }
}
