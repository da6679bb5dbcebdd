import Foundation

/// Refuses JSON bodies whose shape the decoders would choke on or read silently wrong, before they parse it:
/// nesting deeper than any request needs (a parser recursing 10,000 levels can exhaust a thread's stack), and
/// an object naming a key twice (RFC 8259 leaves the meaning open: one parser takes the first, another the
/// last, so the API cannot know which the client meant).
///
/// One pass over the bytes without building anything; malformed JSON passes through for the parser to refuse.
enum JSONBodyScreen {
    /// Deeper than any request body of this API (a goal tree node in a list in an object is four).
    static let maximumDepth = 32

    static func check(_ data: Data) throws {
        try data.withUnsafeBytes { try check(bytes: $0) }
    }

    private struct Container {
        let isObject: Bool
        var expectsKey: Bool
        var keys: Set<[UInt8]> = []
        /// The key being read, for the path of a duplicate.
        var currentKey: String?
    }

    private static func check(bytes: UnsafeRawBufferPointer) throws {
        var stack: [Container] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < maximumDepth else {
                    throw Problem.badRequest("the body is nested deeper than \(maximumDepth) levels")
                }
                let isObject = byte == UInt8(ascii: "{")
                stack.append(Container(isObject: isObject, expectsKey: isObject))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }
                index += 1
            case UInt8(ascii: ","):
                if let last = stack.indices.last, stack[last].isObject { stack[last].expectsKey = true }
                index += 1
            case UInt8(ascii: "\""):
                let (text, end) = string(in: bytes, from: index + 1)
                if let last = stack.indices.last, stack[last].isObject, stack[last].expectsKey {
                    stack[last].expectsKey = false
                    let name = String(decoding: text, as: UTF8.self)
                    guard stack[last].keys.insert(text).inserted else {
                        let field = (stack.dropLast().compactMap(\.currentKey) + [name]).joined(separator: ".")
                        throw Problem.badRequest(
                            "the body names \(field) twice",
                            errors: [.init(field: field, rule: "unique_key", message: "\(field) appears twice")])
                    }
                    stack[last].currentKey = name
                }
                index = end
            default:
                index += 1
            }
        }
    }

    /// The string's content as UTF-8 with escapes resolved (so `"a"` and `"\u0061"` are one key), and the index
    /// just past its closing quote.
    private static func string(in bytes: UnsafeRawBufferPointer, from start: Int) -> ([UInt8], Int) {
        var text: [UInt8] = []
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { return (text, index + 1) }
            guard byte == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                text.append(byte)
                index += 1
                continue
            }
            let escape = bytes[index + 1]
            index += 2
            switch escape {
            case UInt8(ascii: "u"):
                guard let unit = hex4(bytes, at: index) else { continue }
                index += 4
                var scalar = Unicode.Scalar(unit)
                if (0xD800..<0xDC00).contains(unit), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"),
                    bytes[index + 1] == UInt8(ascii: "u"), let low = hex4(bytes, at: index + 2),
                    (0xDC00..<0xE000).contains(low)
                {
                    scalar = Unicode.Scalar(0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00))
                    index += 6
                }
                if let scalar {
                    text.append(contentsOf: Array(String(Character(scalar)).utf8))
                } else {
                    // A lone surrogate: bytes no UTF-8 text has, so it equals only itself.
                    text.append(contentsOf: [0xFF, UInt8(unit >> 8), UInt8(unit & 0xFF)])
                }
            case UInt8(ascii: "n"): text.append(0x0A)
            case UInt8(ascii: "t"): text.append(0x09)
            case UInt8(ascii: "r"): text.append(0x0D)
            case UInt8(ascii: "b"): text.append(0x08)
            case UInt8(ascii: "f"): text.append(0x0C)
            default: text.append(escape)
            }
        }
        return (text, index)
    }

    private static func hex4(_ bytes: UnsafeRawBufferPointer, at index: Int) -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        return UInt16(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    }
}
