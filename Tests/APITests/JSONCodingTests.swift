import ConcordAPI
import ConcordStore
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

/// Response types that spell out their snake_case field names (and are encoded without the key strategy) name
/// exactly the fields their schema in the OpenAPI document lists: the wire format is the documented one.
@Suite struct SnakeCaseKeyedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let schema: String
        let names: @Sendable () -> Set<String>
        var testDescription: String { schema }

        init<T: SnakeCaseKeyed>(_ schema: String, _: T.Type) {
            self.schema = schema
            names = { Set(T.CodingKeys.allCases.map(\.rawValue)) }
        }
    }

    @Test(arguments: [
        Case("InitiativeDetail", InitiativeDetail.self), Case("Initiative", Initiative.self), Case("Area", Area.self),
        Case("SupportingAreaDetail", SupportingAreaDetail.self), Case("RequiredLeader", RequiredLeader.self),
        Case("RatingRecord", RatingRecord.self), Case("AlignmentSummary", AlignmentSummary.self),
        Case("AlignmentSpread", AlignmentSummary.Spread.self), Case("GateStatus", GateStatus.self),
        Case("NotAlignedLeader", NotAlignedLeader.self), Case("TimeToAlignment", TimeToAlignment.self),
        Case("SupportDrop", SupportDropRecord.self),
    ])
    func fieldNamesAreTheDocumentedOnes(_ type: Case) throws {
        let schemas = try #require(try OpenAPIDocumentTests.document()["components"] as? [String: Any])["schemas"]
        let schema = try #require((schemas as? [String: Any])?[type.schema] as? [String: Any])
        let documented = try #require(schema["properties"] as? [String: Any])
        #expect(type.names() == Set(documented.keys))
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
