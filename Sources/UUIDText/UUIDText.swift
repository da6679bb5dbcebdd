import Foundation

/// A UUID's 36-character text, made and read by table. Foundation formats `uuidString` with `snprintf` and
/// reads `UUID(uuidString:)` with `sscanf`; at several ids a request (path parameters, bound parameters, the
/// tenant setting, the JSON) that was 1.5% of the API's CPU.
public enum UUIDText {
    /// `uuidString`'s spelling (upper-case hex, dashes), or the same in lower case.
    public static func string(_ id: UUID, lowercase: Bool = false) -> String {
        String(unsafeUninitializedCapacity: 36) { text in
            spell(id, lowercase: lowercase, into: text)
            return 36
        }
    }

    /// Writes the 36 bytes of `string(id, lowercase:)` to the start of `text`, which must hold them.
    public static func spell(_ id: UUID, lowercase: Bool, into text: UnsafeMutableBufferPointer<UInt8>) {
        precondition(text.count >= 36, "a UUID's text takes 36 bytes")
        // Static text, read through its pointer: no array to retain or bounds-check per digit.
        let digits = (lowercase ? lowerHexDigits : upperHexDigits).utf8Start
        var position = 0
        withUnsafeBytes(of: id.uuid) { raw in
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                text[position] = digits[Int(raw[index] >> 4)]
                text[position + 1] = digits[Int(raw[index] & 0xF)]
                position += 2
            }
        }
    }

    /// What `UUID(uuidString:)` reads. The usual spelling (36 characters, hex digits in either case, dashes after
    /// the 8th, 12th, 16th and 20th) is read here; anything else goes to Foundation, whose `sscanf` format also
    /// takes a few odd spellings (a sign or spaces before a byte), so what is accepted does not change.
    public static func uuid(_ text: String) -> UUID? {
        var utf8Text = text
        let usual: UUID? = utf8Text.withUTF8 { utf8 in
            guard utf8.count == 36 else { return nil }
            var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let read = withUnsafeMutableBytes(of: &bytes) { raw -> Bool in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard utf8[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = value(ofHexDigit: utf8[position]),
                        let low = value(ofHexDigit: utf8[position + 1])
                    else { return false }
                    raw[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return read ? UUID(uuid: bytes) : nil
        }
        return usual ?? UUID(uuidString: text)
    }

    private static func value(ofHexDigit byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static let upperHexDigits: StaticString = "0123456789ABCDEF"
    private static let lowerHexDigits: StaticString = "0123456789abcdef"
}
