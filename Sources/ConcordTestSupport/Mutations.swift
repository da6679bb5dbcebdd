import Foundation

/// Seeded mutations of valid inputs into hostile ones, shared by the fuzz tests so each mutates bytes the same
/// way and any run can be replayed: `CONCORD_FUZZ_SEED=<n>` fixes the seed of every one of them.
public enum Mutations {
    /// The seed of this run: `CONCORD_FUZZ_SEED` when set, else a random one (print it with each failure).
    public static var seed: UInt64 {
        ProcessInfo.processInfo.environment["CONCORD_FUZZ_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 0...UInt64.max)
    }

    /// What one byte edit does at a random position.
    public enum ByteEdit: CaseIterable, Sendable {
        /// One of the caller's hostile bytes (quotes, separators, line ends, NUL, bytes that are not UTF-8).
        case insertHostile
        case remove
        /// Everything from the position on is cut off.
        case cut
        /// Everything from the position on comes again (in a file of rows: duplicate keys).
        case repeatTail
        /// The byte there becomes any byte.
        case overwrite
    }

    /// `value` edited one to `maxEdits` times by `edit`.
    public static func repeatedly<Value, Random: RandomNumberGenerator>(
        _ value: Value, maxEdits: Int, using random: inout Random, _ edit: (inout Value, inout Random) -> Void
    ) -> Value {
        var value = value
        for _ in 0...(random.next() % UInt64(max(maxEdits, 1))) {
            edit(&value, &random)
        }
        return value
    }

    /// `bytes` with one to `maxEdits` edits, each of a kind drawn from `edits`.
    public static func bytes(
        _ bytes: [UInt8], maxEdits: Int, hostile: [UInt8], edits: [ByteEdit] = ByteEdit.allCases,
        using random: inout some RandomNumberGenerator
    ) -> [UInt8] {
        repeatedly(bytes, maxEdits: maxEdits, using: &random) { bytes, random in
            edit(&bytes, edits[Int(random.next() % UInt64(edits.count))], hostile: hostile, using: &random)
        }
    }

    /// One edit of `bytes` at a random position (appending, or nothing, at the end).
    public static func edit(
        _ bytes: inout [UInt8], _ kind: ByteEdit, hostile: [UInt8], using random: inout some RandomNumberGenerator
    ) {
        let at = Int(random.next() % UInt64(bytes.count + 1))
        switch kind {
        case .insertHostile: bytes.insert(hostile[Int(random.next() % UInt64(hostile.count))], at: at)
        case .remove: if at < bytes.count { bytes.remove(at: at) }
        case .cut: bytes = Array(bytes.prefix(at))
        case .repeatTail: bytes += bytes.suffix(from: at)
        case .overwrite: if at < bytes.count { bytes[at] = UInt8(truncatingIfNeeded: random.next()) }
        }
    }
}
