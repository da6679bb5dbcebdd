/// A statement's text as the key of a connection's prepared statements, hashed by its length and its ends.
///
/// The texts are long (1.5 kB for the initiative read's statements) and hashing all of each, for every
/// statement of every request, was 1% of the API's CPU. Equality still compares the whole text, so two texts
/// that hash alike only cost a comparison, never a wrong statement.
struct StatementKey: Hashable {
    let text: String

    static func == (left: StatementKey, right: StatementKey) -> Bool {
        left.text == right.text
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { utf8 in
            hasher.combine(utf8.count)
            let sample = Swift.min(utf8.count, 32)
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[..<sample])))
            hasher.combine(bytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[(utf8.count - sample)...])))
        }
    }
}
