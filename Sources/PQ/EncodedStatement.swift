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

    /// A statement whose result only matters if it is an error.
    static func effect(_ statement: SQL) throws -> EncodedStatement {
        var encoded = try EncodedStatement(statement)
        encoded.keepsRows = false
        return encoded
    }

    /// Calls `body` with the values as C strings; they live only for the call.
    func withCValues<R>(_ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        if values.isEmpty { return body([]) }
        // One buffer for all the values, each followed by its NUL, instead of an allocation per value.
        var size = 0
        for case let value? in values { size += value.utf8.count + 1 }
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(size, 1))
        defer { buffer.deallocate() }
        var pointers: [UnsafePointer<CChar>?] = []
        pointers.reserveCapacity(values.count)
        var offset = 0
        for value in values {
            guard let value else {
                pointers.append(nil)
                continue
            }
            let start = buffer + offset
            let length = UnsafeMutableRawPointer(start).withMemoryRebound(to: UInt8.self, capacity: size - offset) {
                target in
                var copied = 0
                for byte in value.utf8 {
                    target[copied] = byte
                    copied += 1
                }
                return copied
            }
            start[length] = 0
            pointers.append(UnsafePointer(start))
            offset += length + 1
        }
        return body(pointers)
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
