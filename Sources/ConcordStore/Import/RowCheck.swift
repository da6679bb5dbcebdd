import Foundation

/// The fields of one record by column name, and the issues found checking them.
struct RowCheck {
    let line: Int
    let values: [String: String]
    var issues: [ImportIssue] = []

    init(line: Int, values: [String: String], issues: [ImportIssue] = []) {
        self.line = line
        self.values = values
        self.issues = issues
    }

    mutating func fail(_ column: String?, _ message: String) {
        issues.append(ImportIssue(line: line, column: column, message: message))
    }

    /// The trimmed value; nil when empty or absent.
    func raw(_ column: String) -> String? {
        guard let value = values[column]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    mutating func text(_ column: String, required: Bool = false, maxLength: Int = 200) -> String? {
        guard let value = raw(column) else {
            if required { fail(column, "is required") }
            return nil
        }
        if value.count > maxLength {
            fail(column, "is longer than \(maxLength) characters")
            return nil
        }
        return value
    }

    mutating func integer(_ column: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        guard let value = raw(column) else {
            if required { fail(column, "is required") }
            return nil
        }
        guard let number = Int(value), range.contains(number) else {
            fail(column, "'\(value)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return number
    }

    /// Yes/no as spreadsheets write it; empty is no.
    mutating func flag(_ column: String) -> Bool {
        guard let value = raw(column)?.lowercased() else { return false }
        switch value {
        case "true", "yes", "y", "1", "x", "t": return true
        case "false", "no", "n", "0", "f": return false
        default:
            fail(column, "'\(value)' is not yes or no (true/false, 1/0 or x work too)")
            return false
        }
    }

    /// One of `choices`; "At risk" and "at-risk" read as at_risk.
    mutating func choice(_ column: String, _ choices: [String]) -> String? {
        guard let value = raw(column) else { return nil }
        let normalised = value.lowercased().replacingOccurrences(of: " ", with: "_")
            .replacingOccurrences(of: "-", with: "_")
        guard choices.contains(normalised) else {
            fail(column, "'\(value)' is not one of \(choices.joined(separator: ", "))")
            return nil
        }
        return normalised
    }

    /// A calendar date, YYYY-MM-DD.
    mutating func date(_ column: String) -> String? {
        guard let value = raw(column) else { return nil }
        guard Self.isDate(value) else {
            fail(column, "'\(value)' is not a date like 2026-03-31")
            return nil
        }
        return value
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1
        else { return false }
        var components = DateComponents(year: year, month: month, day: day)
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(identifier: "UTC")
        return components.isValidDate
    }

    /// The email shape the database enforces.
    mutating func email(_ column: String) -> String? {
        guard let value = text(column, maxLength: 320) else { return nil }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !value.contains(where: { $0.isWhitespace })
        else {
            fail(column, "'\(value)' is not an email address")
            return nil
        }
        return value
    }
}

/// Values seen earlier in the file, so a repeated key is reported on the line that repeats it.
struct SeenKeys {
    private var lines: [String: Int] = [:]

    /// Records `value` under `name`; the line that first had it when it is a repeat.
    mutating func repeatLine(_ name: String, _ value: String, line: Int) -> Int? {
        let key = name + "\u{1}" + value
        if let first = lines[key] { return first }
        lines[key] = line
        return nil
    }
}

extension RowCheck {
    mutating func unique(_ column: String, _ value: String?, in seen: inout SeenKeys, caseInsensitive: Bool = false) {
        guard let value else { return }
        let compared = caseInsensitive ? value.lowercased() : value
        if let first = seen.repeatLine(column, compared, line: line) {
            fail(column, "'\(value)' is already on line \(first)")
        }
    }
}
