import ConcordAPI
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
