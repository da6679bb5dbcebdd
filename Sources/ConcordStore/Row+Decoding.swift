import ConcordDomain
import Foundation
import PQ

extension Row {
    /// A text column holding one of an enum's raw values; anything else is a decoding error naming the column.
    func decodeEnum<E: RawRepresentable>(_ column: String, as _: E.Type = E.self) throws -> E
    where E.RawValue == String {
        let raw = try decode(column, as: String.self)
        guard let value = E(rawValue: raw) else {
            throw PostgresError(.decoding, message: "column \"\(column)\": \"\(raw)\" is not a \(E.self)")
        }
        return value
    }

    /// As `decodeEnum`, with NULL read as nil.
    func decodeEnum<E: RawRepresentable>(_ column: String, as _: E?.Type) throws -> E?
    where E.RawValue == String {
        guard let raw = try decode(column, as: String?.self) else { return nil }
        guard let value = E(rawValue: raw) else {
            throw PostgresError(.decoding, message: "column \"\(column)\": \"\(raw)\" is not a \(E.self)")
        }
        return value
    }

    /// A date selected as days since 1970-01-01 (`SQLFragment.days(of:)`), exact whatever the time zone.
    func decodeCivilDate(_ column: String) throws -> CivilDate? {
        try decode(column, as: Int?.self).map(CivilDate.init(daysSinceEpoch:))
    }

    /// A time of day selected as "HH:MM" (`SQLFragment.clock(of:)`).
    func decodeLocalTime(_ column: String) throws -> LocalTime? {
        guard let text = try decode(column, as: String?.self) else { return nil }
        guard let time = LocalTime(text) else {
            throw PostgresError(.decoding, message: "column \"\(column)\": \"\(text)\" is not a time of day")
        }
        return time
    }
}

extension QueryResult {
    /// Every row decoded with `transform`.
    func decodeAll<T>(_ transform: (Row) throws -> T) throws -> [T] {
        try map(transform)
    }

    /// The first row decoded with `transform`, or nil when there is none.
    func decodeFirst<T>(_ transform: (Row) throws -> T) throws -> T? {
        try first.map(transform)
    }
}
