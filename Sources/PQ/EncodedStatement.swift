import Foundation

/// A statement with its parameters already turned into text, ready to hand to libpq.
struct EncodedStatement: Sendable {
    let key: StatementKey
    var text: String { key.text }
    let values: [String?]
    /// Whether the caller wants the rows; a statement run for its effect (BEGIN, `set_config`, COMMIT) is
    /// checked for an error and its result freed, which costs less than a `QueryResult` each.
    var keepsRows = true

    init(_ statement: SQL) throws {
        key = StatementKey(text: statement.text)
        values = try statement.parameters.map { try $0.postgresText() }
    }

    /// A statement from its text and values as they are, for texts built once (a transaction's prologue).
    init(text: String, values: [String?], keepsRows: Bool) {
        self.init(key: StatementKey(text: text), values: values, keepsRows: keepsRows)
    }

    /// A statement whose key was made once, for a constant text sent again and again.
    init(key: StatementKey, values: [String?], keepsRows: Bool) {
        self.key = key
        self.values = values
        self.keepsRows = keepsRows
    }

    /// Calls `body` with the values as C strings; they live only for the call.
    func withCValues<R>(_ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
        if values.isEmpty { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        // One buffer for all the values, each followed by its NUL, on the stack when small (as parameters of
        // a statement mostly are), instead of an allocation per value.
        return values.withUnsafeBufferPointer { values in
            var size = 0
            for index in values.indices { size += (values[index]?.utf8.count ?? 0) + 1 }
            return withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: values.count) { pointers in
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: size) { buffer in
                    var offset = 0
                    for index in values.indices {
                        guard var value = values[index] else {
                            pointers[index] = nil
                            continue
                        }
                        let start = buffer.baseAddress! + offset
                        // One copy of the string's contiguous UTF-8, not a loop over its bytes.
                        let copied = value.withUTF8 { bytes in
                            if let from = bytes.baseAddress { start.initialize(from: from, count: bytes.count) }
                            return bytes.count
                        }
                        start[copied] = 0
                        pointers[index] = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                        offset += copied + 1
                    }
                    return body(UnsafeBufferPointer(pointers))
                }
            }
        }
    }
}

/// The COPY text format: tab-separated, `\N` for NULL, backslash escapes for the separators.
enum CopyText {
    static func line(_ row: [any PostgresEncodable]) throws -> String {
        var line = ""
        for (index, value) in row.enumerated() {
            if index > 0 { line += "\t" }
            guard let text = try value.postgresText() else {
                line += "\\N"
                continue
            }
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\\": line += "\\\\"
                case "\t": line += "\\t"
                case "\n": line += "\\n"
                case "\r": line += "\\r"
                default: line.unicodeScalars.append(scalar)
                }
            }
        }
        return line + "\n"
    }
}
