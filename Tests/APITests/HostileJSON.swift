import ConcordDomain
import ConcordTestSupport
import Foundation

/// Seeded mutations of a valid JSON object into hostile bodies, written as raw text so they can hold what no
/// JSON library writes: duplicate keys, numbers out of range, bytes that are not UTF-8.
enum HostileJSON {
    /// Values no field expects, or expects only within bounds.
    static let atoms: [String] = [
        "1e400", "-1e400", "1e-400", "-0", "-0.0", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "3.5", "0", "-1", "1E+2", "123456789012345678901234567890123456789",
        "true", "false", "null", "[]", "{}", "[null]", #"{"a":null}"#, #""""#, #""\u0000""#, #""a\u0000b""#,
        #""\ud800""#, #""\udfff\ud800""#, #""🙂""#, #""\u202e""#, #""' OR 1=1 --""#, #""<script>""#,
        #""2026-13-45""#, #""2026-03-29T25:61:00Z""#, #""00000000-0000-0000-0000-000000000000""#,
        #""not-a-uuid""#, "\"" + String(repeating: "x", count: 5_000) + "\"", #""committed""#, #""goal""#,
    ]

    static func mutate(_ valid: [String: Any], using random: inout SplitMix64) -> [UInt8] {
        let fields = Mutations.repeatedly(
            valid.keys.sorted().map { ($0, raw(valid[$0]!)) }, maxEdits: 3, using: &random, mutateFields)
        let bytes = Array(("{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}").utf8)
        switch random.next() % 10 {
        case 0, 1, 2:
            // Cut, stuffed with bytes that are not UTF-8 (or NUL), and the other byte edits of every fuzz test.
            let invalid: [UInt8] = [0xFF, 0xC0, 0xC3, 0xE2, 0x80, 0x00, 0xF4, 0x90]
            return Mutations.bytes(bytes, maxEdits: 2, hostile: invalid, using: &random)
        case 3:
            return Array(pick(atoms, &random).utf8)
        default:
            return bytes
        }
    }

    private static func mutateFields(_ fields: inout [(String, String)], using random: inout SplitMix64) {
        let index = fields.isEmpty ? 0 : Int(random.next() % UInt64(fields.count))
        switch random.next() % 7 {
        case 0 where !fields.isEmpty:
            fields[index].1 = pick(atoms, &random)
        case 1:
            fields.append(
                (
                    pick(["unknown", "org_id", "id", "version", "__proto__", "Name", "nAmE"], &random),
                    pick(atoms, &random)
                ))
        case 2 where !fields.isEmpty:
            fields.append((fields[index].0, pick(atoms, &random)))
        case 3 where !fields.isEmpty:
            fields.remove(at: index)
        case 4 where !fields.isEmpty:
            fields[index].0 += "\u{0}"
        case 5 where !fields.isEmpty:
            let depth = Int(random.next() % 200) + 1
            fields[index].1 =
                String(repeating: "[", count: depth) + fields[index].1 + String(repeating: "]", count: depth)
        default:
            if !fields.isEmpty { fields[index].1 = "[" + fields[index].1 + "]" }
        }
    }

    private static func pick(_ choices: [String], _ random: inout SplitMix64) -> String {
        choices[Int(random.next() % UInt64(choices.count))]
    }

    private static func quoted(_ key: String) -> String {
        raw(key)
    }

    private static func raw(_ value: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
