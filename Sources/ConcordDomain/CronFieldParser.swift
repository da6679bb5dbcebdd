/// Parses one cron field (`*`, `5`, `1-5`, `*/15`, `10-50/5`, `5/15`, lists, JAN/MON names) into its values.
struct CronFieldParser {
    let field: CronParseError.Field
    let range: ClosedRange<Int>
    let names: [String: Int]

    static func forField(_ field: CronParseError.Field) -> CronFieldParser {
        switch field {
        case .minute: CronFieldParser(field: field, range: 0...59, names: [:])
        case .hour: CronFieldParser(field: field, range: 0...23, names: [:])
        case .dayOfMonth: CronFieldParser(field: field, range: 1...31, names: [:])
        case .month: CronFieldParser(field: field, range: 1...12, names: monthNames)
        case .dayOfWeek: CronFieldParser(field: field, range: 0...7, names: dayNames)
        }
    }

    static let monthNames = Dictionary(
        uniqueKeysWithValues: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            .enumerated().map { ($1, $0 + 1) })
    static let dayNames = Dictionary(
        uniqueKeysWithValues: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].enumerated().map { ($1, $0) })

    /// The values `text` (starting at `position` in the expression) selects; day-of-week 7 folds to 0.
    func parse(_ text: Substring, at position: Int) throws(CronParseError) -> Set<Int> {
        var values = Set<Int>()
        var offset = position
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw error(.empty, offset) }
            values.formUnion(try parseItem(item, at: offset))
            offset += item.count + 1
        }
        if field == .dayOfWeek, values.remove(7) != nil { values.insert(0) }
        return values
    }

    private func parseItem(_ item: Substring, at position: Int) throws(CronParseError) -> [Int] {
        let parts = item.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw error(.invalidStep(String(item)), position + parts[0].count + 1) }
        var step = 1
        if parts.count == 2 {
            let stepPosition = position + parts[0].count + 1
            guard let value = Int(parts[1]), value > 0 else {
                throw error(.invalidStep(String(parts[1])), stepPosition)
            }
            step = value
        }
        let base = parts[0]
        let low: Int
        let high: Int
        if base == "*" {
            (low, high) = (range.lowerBound, field == .dayOfWeek ? 6 : range.upperBound)
        } else if let dash = base.firstIndex(of: "-") {
            let first = base[..<dash]
            let second = base[base.index(after: dash)...]
            low = try value(first, at: position)
            var end = try value(second, at: position + first.count + 1)
            if field == .dayOfWeek, end == 0, low > 0 { end = 7 }  // MON-SUN
            guard low <= end else { throw error(.reversedRange(low, end), position) }
            high = end
        } else {
            low = try value(base, at: position)
            high = parts.count == 2 ? range.upperBound : low  // "5/15" means 5-max/15
        }
        return Array(stride(from: low, through: high, by: step))
    }

    private func value(_ text: Substring, at position: Int) throws(CronParseError) -> Int {
        guard !text.isEmpty else { throw error(.empty, position) }
        guard let number = Int(text) ?? names[text.uppercased()] else {
            throw error(.invalidValue(String(text)), position)
        }
        guard range.contains(number) else { throw error(.outOfRange(value: number, allowed: range), position) }
        return number
    }

    private func error(_ kind: CronParseError.Kind, _ position: Int) -> CronParseError {
        CronParseError(field: field, position: position, kind: kind)
    }
}
