import Foundation

/// Writes CSV the way spreadsheets read it back: CRLF line ends, and fields quoted only when they hold a
/// delimiter, a quote, a line break or leading or trailing spaces.
public struct CSVWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    public mutating func append(_ fields: [String]) {
        text += fields.map(Self.escape).joined(separator: ",")
        text += "\r\n"
    }

    static func escape(_ field: String) -> String {
        let needsQuotes =
            field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || field.first == " " || field.last == " "
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
