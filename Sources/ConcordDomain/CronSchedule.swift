/// A standard 5-field cron expression: minute hour day-of-month month day-of-week.
///
/// Day-of-month and day-of-week follow cron's rule: when both are restricted (neither is exactly `*`),
/// a day matches if either does; otherwise both must.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    public let expression: String
    public let minutes: [Int]
    public let hours: [Int]
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday ... 6 = Saturday.
    public let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// Parses `expression`; the error names the field and position of the first problem.
    public init(parsing expression: String) throws(CronParseError) {
        self.expression = expression
        var fields: [(text: Substring, position: Int)] = []
        let trimmed = expression.drop { $0 == " " || $0 == "\t" }
        let lead = expression.count - trimmed.count
        if trimmed.hasPrefix("@") {
            let name = String(trimmed.prefix { $0 != " " && $0 != "\t" })
            let rest = trimmed.dropFirst(name.count).allSatisfy { $0 == " " || $0 == "\t" }
            guard let expanded = Self.macros[name.lowercased()], rest else {
                throw CronParseError(field: nil, position: lead, kind: .unknownMacro(String(trimmed)))
            }
            fields = expanded.split(separator: " ").map { ($0, lead) }
        } else {
            var position = 0
            var start: Int?
            for (offset, character) in expression.enumerated() {
                let blank = character == " " || character == "\t"
                if blank, let begin = start {
                    fields.append((expression.dropFirst(begin).prefix(offset - begin), begin))
                    start = nil
                } else if !blank, start == nil {
                    start = offset
                }
                position = offset + 1
            }
            if let begin = start { fields.append((expression.dropFirst(begin).prefix(position - begin), begin)) }
        }
        guard fields.count == 5 else {
            throw CronParseError(
                field: nil, position: fields.count > 5 ? fields[5].position : 0,
                kind: fields.isEmpty ? .empty : .fieldCount(found: fields.count))
        }
        var sets: [Set<Int>] = []
        for (field, entry) in zip(CronParseError.Field.allCases, fields) {
            sets.append(try CronFieldParser.forField(field).parse(entry.text, at: entry.position))
        }
        minutes = sets[0].sorted()
        hours = sets[1].sorted()
        daysOfMonth = sets[2]
        months = sets[3]
        daysOfWeek = sets[4]
        dayOfMonthRestricted = fields[2].text != "*"
        dayOfWeekRestricted = fields[4].text != "*"
    }

    /// True when the schedule fires on `date` (month and day rules, not the time).
    public func matches(_ date: CivilDate) -> Bool {
        guard months.contains(date.month) else { return false }
        let dayOfMonth = daysOfMonth.contains(date.day)
        let dayOfWeek = daysOfWeek.contains(date.isoWeekday % 7)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dayOfMonth || dayOfWeek }
        return dayOfMonth && dayOfWeek
    }

    public var description: String { expression }

    /// Equal when they fire at the same times, however spelled (`@daily` == `0 0 * * *`).
    public static func == (lhs: CronSchedule, rhs: CronSchedule) -> Bool {
        lhs.selection == rhs.selection
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(selection) }

    private var selection: [[Int]] {
        [
            minutes, hours, daysOfMonth.sorted(), months.sorted(), daysOfWeek.sorted(),
            [dayOfMonthRestricted ? 1 : 0, dayOfWeekRestricted ? 1 : 0],
        ]
    }
}
