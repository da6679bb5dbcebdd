import ConcordAPI
import Foundation
import Testing

/// Field names round-trip between Swift's camelCase (with its capitalised acronyms) and the API's snake_case.
@Suite struct JSONCodingTests {
    @Test(arguments: [
        ("leadAreaID", "lead_area_id"), ("parentIDs", "parent_ids"), ("isHR", "is_hr"), ("id", "id"),
        ("rolledUpStatus", "rolled_up_status"), ("initiativeIDs", "initiative_ids"), ("webhookURL", "webhook_url"),
    ])
    func namesRoundTrip(_ swift: String, _ snake: String) {
        #expect(JSONCoding.snakeCase(swift) == snake)
        #expect(JSONCoding.camelCase(snake) == swift)
    }
}

/// Times in requests: RFC 3339 in its variants, and a bad one names its field.
@Suite struct JSONTimeTests {
    struct Rated: Decodable {
        let ratedAt: Date
    }

    @Test(arguments: [
        "2026-03-29T10:00:00Z", "2026-03-29T10:00:00.5Z", "2026-03-29t10:00:00z", "2026-03-29T11:00:00+01:00",
    ])
    func rfc3339TimesDecode(_ text: String) throws {
        let rated = try JSONCoding.decoder.decode(Rated.self, from: Data(#"{"rated_at":"\#(text)"}"#.utf8))
        #expect(abs(rated.ratedAt.timeIntervalSince(JSONCoding.time("2026-03-29T10:00:00Z")!)) < 1)
    }

    @Test func aBadTimeNamesItsField() {
        do {
            _ = try JSONCoding.decoder.decode(Rated.self, from: Data(#"{"rated_at":"yesterday"}"#.utf8))
            Issue.record("decoded a bad time")
        } catch DecodingError.dataCorrupted(let context) {
            // Swift's name; the problem document snake-cases it.
            #expect(context.codingPath.map(\.stringValue) == ["ratedAt"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
