import Foundation

/// An instant from an ISO 8601 string with an explicit offset, so each expected value shows its arithmetic.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

func zone(_ identifier: String) -> TimeZone {
    guard let zone = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return zone
}

/// A Decimal from its text, never through Double.
func dec(_ text: String) -> Decimal {
    guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
        fatalError("bad decimal \(text)")
    }
    return value
}

let berlin = zone("Europe/Berlin")
let newYork = zone("America/New_York")
let utc = zone("UTC")
