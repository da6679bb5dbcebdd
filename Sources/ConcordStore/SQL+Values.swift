import ConcordDomain
import PQ

extension SQL.Interpolation {
    /// An optional value as a parameter, NULL for nil. The same as the wrapper's generic overload, spelled
    /// out so the compiler knows an optional here is meant (and does not warn about its description).
    mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
        bindParameter(value, into: &self)
    }

    /// A calendar date as a `date` expression, bound as its day number (NULL for nil).
    mutating func appendInterpolation(date: CivilDate?) {
        appendLiteral("(DATE '1970-01-01' + ")
        appendInterpolation(date?.daysSinceEpoch)
        appendLiteral("::int4)")
    }

    /// A time of day as a `time` expression (NULL for nil).
    mutating func appendInterpolation(time: LocalTime?) {
        appendInterpolation(time?.description)
        appendLiteral("::time")
    }

    /// An enum's raw value as text (NULL for nil).
    mutating func appendInterpolation<E: RawRepresentable>(raw value: E?) where E.RawValue == String {
        appendInterpolation(value?.rawValue)
        appendLiteral("::text")
    }
}

/// Constant SQL fragments shared by the aggregates' select lists.
enum SQLFragment {
    /// Selects a `date` column as days since 1970-01-01, read back with `Row.decodeCivilDate`.
    static func days(of column: String, as name: String? = nil) -> String {
        "(\(column) - DATE '1970-01-01') AS \(name ?? column)"
    }

    /// Selects a `time` column as "HH:MM", read back with `Row.decodeLocalTime`.
    static func clock(of column: String, as name: String? = nil) -> String {
        "to_char(\(column), 'HH24:MI') AS \(name ?? column)"
    }
}

/// Binds through the wrapper's `appendInterpolation(_: some PostgresEncodable)`: in this generic context the
/// call cannot resolve to the optional overload above.
private func bindParameter<Value: PostgresEncodable>(_ value: Value, into interpolation: inout SQL.Interpolation) {
    interpolation.appendInterpolation(value)
}
