import Foundation

/// A statement with its parameters already turned into text, ready to hand to libpq.
struct EncodedStatement: Sendable {
    let text: String
    let values: [String?]

    init(_ statement: SQL) throws {
        text = statement.text
        values = try statement.parameters.map { try $0.postgresText() }
    }

    /// Calls `body` with the values as C strings; they live only for the call.
    func withCValues<R>(_ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let pointers: [UnsafeMutablePointer<CChar>?] = values.map { value in value.map { strdup($0) } }
        defer { pointers.forEach { free($0) } }
        return body(pointers.map { $0.map { UnsafePointer($0) } })
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
