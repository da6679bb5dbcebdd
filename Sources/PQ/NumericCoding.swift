import Foundation

/// The binary `numeric` format: base-10000 digits with a weight, a sign and a display scale.
enum NumericCoding {
    struct Failure: Error {
        let text: String
    }

    /// Foundation's Decimal keeps 38 significant digits; a larger value is refused rather than rounded.
    static let maximumSignificantDigits = 38

    /// Made once: a `Locale` per value (and its ICU look-up of the decimal separator) was most of the cost of
    /// reading a numeric, 1% of the API's CPU on the initiative read.
    private static let posix = Locale(identifier: "en_US_POSIX")

    static func decimal(fromBinary bytes: UnsafeRawBufferPointer) throws -> Decimal {
        guard bytes.count >= 8 else { throw Failure(text: "short numeric") }
        let count = Int(bytes.readBigEndian(Int16.self, at: 0))
        let weight = Int(bytes.readBigEndian(Int16.self, at: 2))
        let sign = bytes.readBigEndian(UInt16.self, at: 4)
        let scale = Int(bytes.readBigEndian(Int16.self, at: 6))
        guard bytes.count == 8 + 2 * count else { throw Failure(text: "malformed numeric") }
        switch sign {
        case 0x0000, 0x4000: break
        case 0xC000: throw Failure(text: "NaN has no exact decimal value")
        default: throw Failure(text: "infinity has no exact decimal value")
        }
        let digits = (0..<count).map { Int(bytes.readBigEndian(Int16.self, at: 8 + 2 * $0)) }
        let value =
            try smallDecimal(digits: digits, weight: weight, scale: scale)
            ?? decimalThroughText(digits: digits, weight: weight, scale: scale)
        return sign == 0x4000 ? -value : value
    }

    /// The value `decimalThroughText` reads, made without text when its digits fit in 64 bits: a significand and
    /// a power of ten give the same `Decimal`, bit for bit (the tests hold it to that), for a fraction of the
    /// cost. Zero is left to the text, whose parse keeps the scale in the exponent.
    static func smallDecimal(digits: [Int], weight: Int, scale: Int) -> Decimal? {
        guard scale >= 0, scale <= maximumSignificantDigits else { return nil }
        func digit(_ index: Int) -> Int { index >= 0 && index < digits.count ? digits[index] : 0 }
        var significand: UInt64 = 0
        // Appends `count` decimal digits: `value` has at most that many.
        func append(_ value: Int, digits count: Int) -> Bool {
            let (shifted, overflow) = significand.multipliedReportingOverflow(by: powersOfTen[count])
            guard !overflow else { return false }
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(value))
            significand = sum
            return !carry
        }
        if weight >= 0 {
            for index in 0...weight {
                guard append(digit(index), digits: 4) else { return nil }
            }
        }
        var remaining = scale
        var index = weight + 1
        while remaining > 0 {
            let taken = Swift.min(4, remaining)
            guard append(digit(index) / Int(powersOfTen[4 - taken]), digits: taken) else { return nil }
            remaining -= taken
            index += 1
        }
        guard significand != 0 else { return nil }
        return Decimal(sign: .plus, exponent: -scale, significand: Decimal(significand))
    }

    private static let powersOfTen: [UInt64] = [1, 10, 100, 1_000, 10_000]

    /// The digits spelled as the server's text would spell them, read by Foundation's parser.
    static func decimalThroughText(digits: [Int], weight: Int, scale: Int) throws -> Decimal {
        let count = digits.count
        func digit(_ index: Int) -> Int { index >= 0 && index < count ? digits[index] : 0 }
        func padded(_ value: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: 4 - text.count) + text
        }
        var text = ""
        if weight < 0 {
            text = "0"
        } else {
            for index in 0...weight { text += index == 0 ? String(digit(index)) : padded(digit(index)) }
        }
        if scale > 0 {
            var fraction = ""
            let groups = (scale + 3) / 4
            for index in (weight + 1)..<(weight + 1 + groups) { fraction += padded(digit(index)) }
            text += "." + fraction.prefix(scale)
        }
        let significant = text.filter(\.isNumber).drop { $0 == "0" }.count
        guard significant <= maximumSignificantDigits else {
            throw Failure(text: "\(significant) significant digits exceed Decimal's \(maximumSignificantDigits)")
        }
        guard let value = Decimal(string: text, locale: posix) else {
            throw Failure(text: "unreadable numeric \(text)")
        }
        return value
    }
}

/// PostgreSQL counts time in microseconds from 2000-01-01 00:00:00 UTC.
enum PostgresTime {
    static let epochOffset: TimeInterval = 946_684_800

    static func date(fromMicroseconds micros: Int64) -> Date {
        let seconds = micros.quotientAndRemainder(dividingBy: 1_000_000)
        return Date(timeIntervalSince1970: epochOffset + TimeInterval(seconds.quotient))
            .addingTimeInterval(TimeInterval(seconds.remainder) / 1_000_000)
    }

    /// ISO 8601 in UTC with microseconds, the text the server parses for timestamptz.
    static func text(for date: Date) -> String {
        if date == .distantFuture { return "infinity" }
        if date == .distantPast { return "-infinity" }
        let totalMicros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let micros = Int64(totalMicros)
        var seconds = time_t(micros.quotientAndRemainder(dividingBy: 1_000_000).quotient)
        var fraction = micros.quotientAndRemainder(dividingBy: 1_000_000).remainder
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = Int(parts.tm_year) + 1900
        let fractionText = String(fraction)
        let micro = String(repeating: "0", count: 6 - fractionText.count) + fractionText
        let yearText = year < 1 ? "\(1 - year)" : "\(year)"
        let padYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(padYear)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(micro)+00" + (year < 1 ? " BC" : "")
    }
}

/// The binary array format: dimensions, a null flag, the element type, then length-prefixed elements.
enum ArrayCoding {
    static func decode<Element>(
        _ bytes: UnsafeRawBufferPointer, cell: PostgresCell, element: (PostgresCell) throws -> Element
    ) throws -> [Element] {
        guard bytes.count >= 12 else { throw cell.mismatch([Element].self, reason: "short array") }
        let dimensions = Int(bytes.readBigEndian(Int32.self, at: 0))
        let elementType = TypeOID(bytes.readBigEndian(UInt32.self, at: 8))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else {
            throw cell.mismatch([Element].self, reason: "\(dimensions)-dimensional arrays are not supported")
        }
        let count = Int(bytes.readBigEndian(Int32.self, at: 12))
        var offset = 20
        var result: [Element] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard offset + 4 <= bytes.count else { throw cell.mismatch([Element].self, reason: "truncated array") }
            let length = Int(bytes.readBigEndian(Int32.self, at: offset))
            offset += 4
            let slice: UnsafeRawBufferPointer?
            if length < 0 {
                slice = nil
            } else {
                guard offset + length <= bytes.count else {
                    throw cell.mismatch([Element].self, reason: "truncated array")
                }
                slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
                offset += length
            }
            let itemCell = PostgresCell(
                bytes: slice, type: elementType, columnName: "\(cell.columnName)[\(index + 1)]",
                columnIndex: cell.columnIndex)
            result.append(try element(itemCell))
        }
        return result
    }
}
