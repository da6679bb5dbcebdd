import CivilCalendar
import Foundation
import UUIDText

/// How each scalar is spelled: as Foundation's `JSONEncoder` spells it, written without making a `String`
/// where the bytes can be worked out directly.
extension JSONSink {
    /// Quotes, backslash and the control characters escaped, in the short form where JSON has one; `/` and
    /// everything else (non-ASCII included) as it is, as with `.withoutEscapingSlashes`.
    func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                default:
                    bytes.append(contentsOf: [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    ])
                    bytes.append(JSONSink.hexDigits[Int(byte >> 4)])
                    bytes.append(JSONSink.hexDigits[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func writeInteger<I: FixedWidthInteger>(_ value: I) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // At most 20 decimal digits in 64 bits, written backwards into a small stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Swift's shortest round-trip spelling, without a trailing `.0`, as Foundation writes it; like Foundation's
    /// default strategy, NaN and the infinities are refused (JSON has no spelling for them).
    func writeFloatingPoint<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// A JSON number in plain notation (`-12.34`), as Foundation writes a `Decimal`.
    func writeDecimal(_ value: Decimal) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Upper-case hex with dashes, `uuidString`'s spelling, from the 16 bytes by table, quoted: 38 bytes
    /// made on the stack and appended at once (an append per byte was most of the cost).
    func writeUUID(_ id: UUID) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 38) { text in
            JSONSink.spell(id, into: text)
            bytes.append(contentsOf: text)
        }
    }

    /// A list of ids, as `[UUID]` encodes itself, without a container and a generic call per element.
    func writeUUIDs(_ ids: [UUID]) {
        bytes.append(UInt8(ascii: "["))
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 39) { text in
            text[38] = UInt8(ascii: ",")
            for (index, id) in ids.enumerated() {
                JSONSink.spell(id, into: text)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<(index == ids.count - 1 ? 38 : 39)]))
            }
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"` + `uuidString` + `"` into 38 bytes.
    private static func spell(_ id: UUID, into text: UnsafeMutableBufferPointer<UInt8>) {
        text[0] = UInt8(ascii: "\"")
        UUIDText.spell(id, lowercase: false, into: UnsafeMutableBufferPointer(rebasing: text[1..<37]))
        text[37] = UInt8(ascii: "\"")
    }

    /// `.iso8601`'s spelling: `2026-03-29T10:00:00Z`, UTC, whole seconds rounded down (as Foundation does,
    /// before 1970 too). Times before 1582-10-15 or after 9999 go through Foundation's formatter.
    func writeDate(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        // Before 1582-10-15 Foundation's calendar is Julian (ICU's Gregorian change), not proleptic Gregorian as
        // `CivilCalendar`'s, so the two would name different days.
        guard seconds >= -12_219_292_800, seconds < 253_402_300_800 else {
            writeString(date.formatted(Date.ISO8601FormatStyle()))
            return
        }
        let whole = Int64(seconds)
        let (year, month, day, time) = CivilCalendar.civil(secondsSince1970: whole)
        // `"YYYY-MM-DDTHH:MM:SSZ"`: 22 bytes made on the stack and appended at once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 22) { text in
            // From a static string's bytes: walking a `String`'s UTF-8 view here was a third of the time's cost.
            JSONSink.timeTemplate.withUTF8Buffer { template in
                _ = text.initialize(from: template)
            }
            func put(_ value: Int, at end: Int) {
                var value = value
                var position = end
                while value > 0 {
                    text[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                    position -= 1
                }
            }
            put(year, at: 4)
            put(month, at: 7)
            put(day, at: 10)
            put(time / 3_600, at: 13)
            put(time / 60 % 60, at: 16)
            put(time % 60, at: 19)
            bytes.append(contentsOf: text)
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)
    static let timeTemplate: StaticString = #""0000-00-00T00:00:00Z""#
}
