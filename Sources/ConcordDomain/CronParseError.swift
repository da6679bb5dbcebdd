/// A bad cron expression, naming the field and the character position (0-based) of the culprit.
public struct CronParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The five fields of a standard cron expression, in order.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case minute
        case hour
        case dayOfMonth = "day-of-month"
        case month
        case dayOfWeek = "day-of-week"
    }

    public enum Kind: Sendable, Hashable {
        /// Not five fields.
        case fieldCount(found: Int)
        /// Nothing between commas, or an empty expression.
        case empty
        /// Neither a number nor a known name.
        case invalidValue(String)
        case outOfRange(value: Int, allowed: ClosedRange<Int>)
        /// A range whose start is after its end (`5-1`).
        case reversedRange(Int, Int)
        /// A step that is not a positive number (`*/0`, `*/x`, `1/2/3`).
        case invalidStep(String)
        /// An `@name` that is not one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
        case unknownMacro(String)
    }

    /// Nil for errors about the whole expression (field count, macros).
    public let field: Field?
    public let position: Int
    public let kind: Kind

    public init(field: Field?, position: Int, kind: Kind) {
        self.field = field
        self.position = position
        self.kind = kind
    }

    public var description: String {
        let place = (field.map { "\($0.rawValue) field" } ?? "expression") + " at position \(position)"
        switch kind {
        case .fieldCount(let found): return "cron \(place): expected 5 fields, found \(found)"
        case .empty: return "cron \(place): empty value"
        case .invalidValue(let text): return "cron \(place): '\(text)' is not a number or name"
        case .outOfRange(let value, let allowed):
            return "cron \(place): \(value) is outside \(allowed.lowerBound)-\(allowed.upperBound)"
        case .reversedRange(let low, let high): return "cron \(place): range \(low)-\(high) runs backwards"
        case .invalidStep(let text): return "cron \(place): step '\(text)' must be a positive number"
        case .unknownMacro(let text): return "cron \(place): unknown macro '\(text)'"
        }
    }
}
