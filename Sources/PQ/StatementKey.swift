/// A statement's text as the key of a connection's prepared statements, hashed by its length and its ends.
///
/// The texts are long (1.5 kB for the initiative read's statements) and hashing all of each, for every
/// statement of every request, was 1% of the API's CPU. The digest is taken once, when the key is made, so a
/// constant statement (a transaction's BEGIN, `set_config`, COMMIT) is never hashed again. Equality still
/// compares the whole text, so two texts that hash alike only cost a comparison, never a wrong statement.
struct StatementKey: Hashable, Sendable {
    let text: String
    private let digest: UInt64

    init(text: String) {
        self.text = text
        var text = text
        // FNV-1a over the length and up to 32 bytes at each end.
        digest = text.withUTF8 { utf8 in
            var digest: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(utf8.count)
            let sample = Swift.min(utf8.count, 32)
            for byte in utf8[..<sample] { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
            for byte in utf8[(utf8.count - sample)...] { digest = (digest ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return digest
        }
    }

    static func == (left: StatementKey, right: StatementKey) -> Bool {
        left.digest == right.digest && left.text == right.text
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(digest)
    }
}
