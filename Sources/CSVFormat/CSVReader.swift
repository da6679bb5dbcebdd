/// One record of a CSV file and the line of the file it starts on (1-based, counting the header), so an
/// error can point at the line a spreadsheet user sees even when quoted fields span several lines.
public struct CSVRecord: Sendable, Hashable {
    public let line: Int
    public let fields: [String]
}

/// Text that is not well-formed CSV, at a line.
public struct CSVSyntaxError: Error, Sendable, Hashable {
    public let line: Int
    public let message: String
}

/// An RFC 4180 reader for files as spreadsheets export them: an optional UTF-8 byte-order mark, CRLF or
/// LF line ends, quoted fields holding commas, quotes ("") and line breaks, blank lines skipped.
///
/// Written here because the mirrored CSV packages (SwiftCSV, CSV.swift) do not say which line a record
/// came from, and every import error must name its line.
public enum CSVReader {
    /// Every record, or every syntax error found (reading goes on after one, from the next line).
    public static func records(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) -> Result<
        [CSVRecord], CSVSyntaxErrors
    > {
        var parser = Parser(bytes: bytes, delimiter: delimiter)
        return parser.run()
    }
}

/// All the syntax errors of one file.
public struct CSVSyntaxErrors: Error, Sendable, Hashable {
    public let errors: [CSVSyntaxError]
}

private struct Parser {
    let bytes: [UInt8]
    let delimiter: UInt8
    var index = 0
    var line = 1
    var records: [CSVRecord] = []
    var errors: [CSVSyntaxError] = []

    static let quote = UInt8(ascii: "\"")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    init(bytes: [UInt8], delimiter: UInt8) {
        self.bytes = bytes
        self.delimiter = delimiter
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    mutating func run() -> Result<[CSVRecord], CSVSyntaxErrors> {
        while index < bytes.count {
            let start = line
            if let fields = record() {
                // A line with nothing on it is not a record (spreadsheets end files with one).
                if !(fields.count == 1 && fields[0].isEmpty) { records.append(CSVRecord(line: start, fields: fields)) }
            } else {
                skipToNextLine()
            }
        }
        return errors.isEmpty ? .success(records) : .failure(CSVSyntaxErrors(errors: errors))
    }

    /// Reads one record up to and including its line end; nil after recording an error.
    mutating func record() -> [String]? {
        var fields: [String] = []
        while true {
            guard let field = field() else { return nil }
            fields.append(field)
            guard index < bytes.count else { return fields }
            let byte = bytes[index]
            if byte == delimiter {
                index += 1
                continue
            }
            endLine()
            return fields
        }
    }

    /// One field; the cursor stops on the delimiter or line end after it.
    mutating func field() -> String? {
        guard index < bytes.count, bytes[index] == Self.quote else {
            let start = index
            while index < bytes.count, bytes[index] != delimiter, bytes[index] != Self.cr, bytes[index] != Self.lf {
                if bytes[index] == Self.quote {
                    errors.append(CSVSyntaxError(line: line, message: "a quote inside an unquoted field"))
                    return nil
                }
                index += 1
            }
            return text(bytes[start..<index])
        }
        let opened = line
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Self.quote {
                if index + 1 < bytes.count, bytes[index + 1] == Self.quote {
                    value.append(Self.quote)
                    index += 2
                    continue
                }
                index += 1
                if index < bytes.count, bytes[index] != delimiter, bytes[index] != Self.cr, bytes[index] != Self.lf {
                    errors.append(CSVSyntaxError(line: line, message: "text after the closing quote of a field"))
                    return nil
                }
                return text(value[...])
            }
            if byte == Self.lf || (byte == Self.cr && !(index + 1 < bytes.count && bytes[index + 1] == Self.lf)) {
                line += 1
            }
            value.append(byte)
            index += 1
        }
        errors.append(CSVSyntaxError(line: opened, message: "a quoted field is never closed"))
        return nil
    }

    mutating func text<Bytes: Collection<UInt8>>(_ slice: Bytes) -> String? {
        guard let text = String(validating: slice, as: UTF8.self) else {
            errors.append(CSVSyntaxError(line: line, message: "not UTF-8 text (save the file as CSV UTF-8)"))
            return nil
        }
        return text
    }

    /// Steps over CRLF, LF or a lone CR.
    mutating func endLine() {
        if bytes[index] == Self.cr { index += 1 }
        if index < bytes.count, bytes[index] == Self.lf { index += 1 }
        line += 1
    }

    mutating func skipToNextLine() {
        while index < bytes.count, bytes[index] != Self.cr, bytes[index] != Self.lf { index += 1 }
        if index < bytes.count { endLine() }
    }
}
