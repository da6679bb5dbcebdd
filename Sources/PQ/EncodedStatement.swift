import Foundation

/// A statement with its parameters already turned into text, ready to hand to libpq.
struct EncodedStatement: Sendable {
    let text: String
    let values: [String?]
    /// Whether the caller wants the rows; a statement run for its effect (BEGIN, `set_config`, COMMIT) is
    /// checked for an error and its result freed, which costs less than a `QueryResult` each.
    var keepsRows = true

    init(_ statement: SQL) throws {
        text = statement.text
        values = try statement.parameters.map { try $0.postgresText() }
    }

    /// A statement from its text and values as they are, for texts built once (a transaction's prologue).
    init(text: String, values: [String?], keepsRows: Bool) {
        self.text = text
        self.values = values
        self.keepsRows = keepsRows
    }

    /// Calls `body` with the values as C strings; they live only for the call.
    func withCValues<R>(_ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
        if values.isEmpty { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        // One buffer for all the values, each followed by its NUL, on the stack when small (as parameters of
        // a statement mostly are), instead of an allocation per value.
        var size = 0
        for case let value? in values { size += value.utf8.count + 1 }
        return withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: values.count) { pointers in
            withUnsafeTemporaryAllocation(of: CChar.self, capacity: max(size, 1)) { buffer in
                var offset = 0
                for (index, value) in values.enumerated() {
                    guard let value else {
                        pointers[index] = nil
                        continue
                    }
                    let start = buffer.baseAddress! + offset
                    var length = 0
                    for byte in value.utf8 {
                        start[length] = CChar(bitPattern: byte)
                        length += 1
                    }
                    start[length] = 0
                    pointers[index] = UnsafePointer(start)
                    offset += length + 1
                }
                return body(UnsafeBufferPointer(pointers))
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
