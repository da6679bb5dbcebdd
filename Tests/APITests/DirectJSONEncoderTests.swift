import ConcordAPI
import ConcordStore
import DirectJSON
import Foundation
import Testing

/// `DirectJSONEncoder` writes what Foundation's `JSONEncoder` writes, as parsed JSON: the API's responses change
/// bytes (field order) but not meaning. (Debug builds also check every response of every API test this way:
/// `JSONCoding.body`.)
@Suite struct DirectJSONEncoderTests {
    /// The API's two Foundation encoders and their direct counterparts.
    static let renaming = DirectJSONEncoder(keyName: { JSONCoding.snakeCase($0) })
    static let spelled = DirectJSONEncoder()

    static func expectSame<T: Encodable>(_ value: T, renamed: Bool, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let direct = try (renamed ? renaming : spelled).encode(value)
        let foundation = try (renamed ? JSONCoding.encoder : JSONCoding.snakeKeyedEncoder).encode(value)
        #expect(
            JSONEquivalence.same(direct, foundation),
            "direct \(String(decoding: direct, as: UTF8.self))\nfoundation \(String(decoding: foundation, as: UTF8.self))",
            sourceLocation: sourceLocation)
    }

    /// Every scalar type and shape an `Encodable` can produce, with camelCase names for the renaming encoder.
    struct Everything: Encodable {
        var text: String
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var double: Double
        var float: Float
        var flag: Bool
        var decimal: Decimal
        var optionalDecimal: Decimal?
        var leaderID: UUID
        var parentIDs: [UUID]
        var ratedAt: Date
        var webhookURL: URL
        var secret: Data
        var missing: String?
        var nested: [[Int?]]
        var labels: [String: String]
        var byNumber: [Int: String]
        var empty: [String]
        var emptyLabels: [String: Int]
        var inner: Inner?

        struct Inner: Encodable {
            var isHR: Bool
            var initiativeIDs: [UUID]
        }
    }

    static func everything(_ tweak: (inout Everything) -> Void = { _ in }) -> Everything {
        var value = Everything(
            text: "plain", int: .min, int8: .min, int16: .max, int32: .min, int64: .max, uint: .max, uint8: .max,
            uint16: .max, uint32: .max, uint64: .max, double: 0.1, float: 0.1, flag: false,
            decimal: Decimal(string: "-1234567890.0987654321")!, optionalDecimal: nil, leaderID: UUID(),
            parentIDs: [UUID(), UUID()], ratedAt: Date(timeIntervalSince1970: 1_774_778_400.999_999),
            webhookURL: URL(string: "https://hooks.example/a/b?c=1&d=%20")!, secret: Data([0, 1, 254, 255]),
            missing: nil, nested: [[1, nil, -3], [], [nil]],
            labels: ["camelCase": "kept", "snake_case": "kept", "": ""],
            byNumber: [3: "three", -1: "minus one"], empty: [], emptyLabels: [:],
            inner: Everything.Inner(isHR: true, initiativeIDs: []))
        tweak(&value)
        return value
    }

    @Test func scalarsAndShapesMatchFoundation() throws {
        try Self.expectSame(Self.everything(), renamed: true)
        try Self.expectSame(Self.everything(), renamed: false)
    }

    @Test(arguments: [
        0.0, -0.0, 1.0, -1.5, 0.1, 1e-7, 1e21, 1e300, 5e-324, .greatestFiniteMagnitude, -.leastNormalMagnitude,
        123_456_789.123_456_79, 2.0 / 3.0,
    ])
    func doublesMatchFoundation(_ number: Double) throws {
        try Self.expectSame(
            Self.everything {
                $0.double = number
                $0.float = Float(number).isFinite ? Float(number) : 0
            }, renamed: true)
    }

    @Test(arguments: ["0", "-0.5", "0.3333333333333333333333333333", "1e30", "-99999999999999999999.99", "12.3400"])
    func decimalsMatchFoundation(_ text: String) throws {
        let decimal = try #require(Decimal(string: text))
        try Self.expectSame(
            Self.everything {
                $0.decimal = decimal; $0.optionalDecimal = -decimal
            }, renamed: true)
    }

    /// Whole seconds, rounded down as Foundation does (before 1970 too), over leap days and the year's ends, and
    /// either side of 1582-10-15, before which Foundation's calendar is Julian (Schemathesis found year 64).
    @Test(arguments: [
        0, -0.5, -1, 0.999_999, 951_782_400, 1_709_164_799.5, 4_102_444_800, -2_208_988_800, -62_135_596_800,
        253_402_300_799, 253_402_300_800, -62_135_596_801, -12_219_292_800, -12_219_292_800.5, -12_219_292_801,
        -60_136_700_416, -30_000_000_000,
    ])
    func datesMatchFoundation(_ seconds: Double) throws {
        try Self.expectSame(Self.everything { $0.ratedAt = Date(timeIntervalSince1970: seconds) }, renamed: true)
    }

    @Test func generatedDatesMatchFoundation() throws {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let micros = Int64.random(in: -63_000_000_000_000_000...9_000_000_000_000_000, using: &random)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            try Self.expectSame(Self.everything { $0.ratedAt = date }, renamed: false)
        }
    }

    /// Each control character comes out as a JSON escape (never raw) and reads back as itself; so do quotes,
    /// backslashes, slashes, DEL and text outside ASCII.
    @Test(arguments: Array(0..<0x20) + [0x22, 0x2F, 0x5C, 0x7F, 0xE9, 0x2028, 0xFEFF, 0x1F600])
    func stringsEscapeAndReadBack(_ code: Int) throws {
        let character = String(Character(try #require(Unicode.Scalar(code))))
        let text = "a\(character)b\(character)\(character)"
        let bytes = try Self.spelled.encode([text])
        if code < 0x20 { #expect(!bytes.contains(UInt8(code)), "raw control character \(code) in the output") }
        #expect(try JSONDecoder().decode([String].self, from: Data(bytes)) == [text])
        #expect(JSONEquivalence.same(bytes, try JSONEncoder().encode([text])))
    }

    @Test func generatedStringsMatchFoundation() throws {
        let alphabet = Array("aZ09 _-/\\\"'\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1b}\u{1f}\u{7f}é€😀👍🏽e\u{301}\u{2028}")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...40)).map { _ in alphabet.randomElement()! })
            try Self.expectSame(
                Self.everything {
                    $0.text = text; $0.labels = [text: text]
                }, renamed: true)
        }
    }

    @Test func bytesAreTheSameEveryTime() throws {
        let value = Self.everything { $0.labels = Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }) }
        #expect(try Self.renaming.encode(value) == Self.renaming.encode(value))
        let text = String(decoding: try Self.spelled.encode(["b": 1, "a": 2, "c": 3]), as: UTF8.self)
        #expect(text == #"{"a":2,"b":1,"c":3}"#)
    }

    @Test func nonFiniteNumbersAreRefusedAsFoundationRefusesThem() {
        #expect(throws: EncodingError.self) { try Self.spelled.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try Self.spelled.encode([Float.infinity]) }
        #expect(throws: EncodingError.self) { try JSONCoding.snakeKeyedEncoder.encode([Double.nan]) }
    }

    /// A value that asks for its container twice continues the same object, as with Foundation; one that writes
    /// nothing is `{}`.
    struct TwoCalls: Encodable {
        enum Keys: String, CodingKey { case first, second }
        func encode(to encoder: any Encoder) throws {
            var first = encoder.container(keyedBy: Keys.self)
            try first.encode(1, forKey: .first)
            var second = encoder.container(keyedBy: Keys.self)
            try second.encode([2], forKey: .second)
        }
    }

    struct Silent: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    /// Nested containers used one after another, as a hand-written conformance might.
    struct Nested: Encodable {
        enum Keys: String, CodingKey { case point, list, after }
        enum PointKeys: String, CodingKey { case x, y }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var point = container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
            try point.encode(1, forKey: .x)
            try point.encode(2.5, forKey: .y)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode("a")
            var inner = list.nestedUnkeyedContainer()
            try inner.encodeNil()
            try list.encode(true)
            try container.encode(Silent(), forKey: .after)
        }
    }

    @Test func containerUsesMatchFoundation() throws {
        try Self.expectSame(TwoCalls(), renamed: false)
        try Self.expectSame([Silent()], renamed: false)
        try Self.expectSame(Nested(), renamed: false)
        #expect(
            String(decoding: try Self.spelled.encode(Nested()), as: UTF8.self)
                == #"{"point":{"x":1,"y":2.5},"list":["a",[null],true],"after":{}}"#)
    }

    /// Writing to a container after a later one was opened, or asking for a super encoder, cannot be streamed:
    /// the encoder says so, and `JSONCoding.body` then falls back to Foundation's encoder.
    struct Interleaved: Encodable {
        enum Keys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var a = container.nestedUnkeyedContainer(forKey: .a)
            var b = container.nestedUnkeyedContainer(forKey: .b)
            try b.encode(2)
            try a.encode(1)
        }
    }

    struct WithSuper: Encodable {
        enum Keys: String, CodingKey { case own }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .own)
            try [2].encode(to: container.superEncoder())
        }
    }

    @Test func unstreamableUsesAreRefusedAndFallBack() throws {
        #expect(throws: DirectJSONEncoder.Unsupported.self) { try Self.spelled.encode(Interleaved()) }
        #expect(throws: DirectJSONEncoder.Unsupported.self) { try Self.spelled.encode(WithSuper()) }
        #expect(JSONEquivalence.same(try JSONCoding.body(Interleaved()), try JSONCoding.encoder.encode(Interleaved())))
        #expect(JSONEquivalence.same(try JSONCoding.body(WithSuper()), try JSONCoding.encoder.encode(WithSuper())))
    }

    /// The comparison the tests and the debug check rely on tells different values apart.
    @Test func equivalenceSeesDifferences() {
        func same(_ a: String, _ b: String) -> Bool { JSONEquivalence.same(Array(a.utf8), Array(b.utf8)) }
        #expect(same(#"{"a":1,"b":[true,null]}"#, #"{"b":[true,null],"a":1}"#))
        #expect(!same(#"{"a":1}"#, #"{"a":2}"#))
        #expect(!same(#"{"a":1}"#, #"{"a":1,"b":null}"#))
        #expect(!same(#"{"a":"x"}"#, #"{"A":"x"}"#))
        #expect(!same(#"[1,2]"#, #"[2,1]"#))
        #expect(!same(#"["1"]"#, #"[1]"#))
        #expect(!same(#"[0.5]"#, #"[0.25]"#))
        #expect(!same(#"{"a":1"#, #"{"a":1}"#))
    }
}

/// The response types of the API, from hand-made edge values and from values generated around them.
@Suite struct DirectJSONResponseTests {
    /// `InitiativeDetail` (and every type inside it) at its edges: empty and full lists, absent optionals,
    /// every control character in free text, long decimals, times before 1970 and at the end of year 9999.
    static let edgeDetail = #"""
        {"initiative":{"id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A10","title":"Q\"uo\\te\/ \u0000\u0001\u001f\t\n\r\b\f é😀",
        "description":"","lead_area_id":"00000000-0000-0000-0000-000000000000","sponsor_leader_id":null,"importance":5,
        "stage":"implementing","health":"at_risk","start_date":"0001-01-01","target_date":"9999-12-31",
        "revisit_cadence_days":null,"quiet_after_days":2147483647,"alignment_gate":"0.123456789012345678901234567890",
        "last_activity_at":"1969-12-31T23:59:59.5Z","stage_changed_at":"9999-12-31T23:59:59Z","archived_at":null,
        "created_at":"2024-02-29T12:00:00.999999Z","updated_at":"2026-03-29T10:00:00+01:00","version":9223372036854775807},
        "lead_area":{"id":"FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF","name":"Área \u2028 ☃","parent_id":null,"head_leader_id":null,
        "external_key":"","archived_at":"2000-01-01T00:00:00Z","created_at":"1970-01-01T00:00:00Z",
        "updated_at":"1970-01-01T00:00:00Z","version":1},
        "supporting_areas":[],"required_leaders":[{"leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A11","name":"\u007f",
        "area_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A12","latest_rating":null}],
        "alignment":{"index":null,"revisit_window_days":0,"required":[],"aligned":[],"out_of_line":[],"stale":[],
        "missing":[],"resisting":[],"spread":{"count":-1,"min":-9223372036854775808,"max":0,"mean":0.3333333333333333333333333333,
        "standard_deviation":1.7976931348623157e308}},
        "gate":{"threshold":"1","source":"organisation","met":false,"not_aligned_leaders":[]},
        "time_to_alignment":{"created_on":"2026-01-31","first_reached_on":null,"days_to_alignment":null,"days_so_far":0},
        "support_drops":[{"leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A13","name":"n","previous_priority":5,"priority":1,
        "previous_buy_in":null,"buy_in":"acting","rated_at":"2026-03-29T10:00:00Z","priority_drop":4,"buy_in_went_back":true}]}
        """#

    /// A typical read, every optional present, as the benchmark's seed makes them.
    static let fullDetail = #"""
        {"initiative":{"id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A10","title":"Move to the new ledger","description":"All of it",
        "lead_area_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A20","sponsor_leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A21",
        "importance":3,"stage":"developing","health":"on_track","start_date":"2026-01-01","target_date":"2026-12-31",
        "revisit_cadence_days":30,"quiet_after_days":14,"alignment_gate":"0.75","last_activity_at":"2026-03-29T10:00:00.25Z",
        "stage_changed_at":"2026-03-01T00:00:00Z","archived_at":"2026-04-01T00:00:00Z","created_at":"2026-01-01T08:00:00Z",
        "updated_at":"2026-03-29T10:00:00Z","version":7},
        "lead_area":{"id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A20","name":"Finance","parent_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A22",
        "head_leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A21","external_key":"FIN","archived_at":null,
        "created_at":"2026-01-01T08:00:00Z","updated_at":"2026-01-01T08:00:00Z","version":2},
        "supporting_areas":[{"area":{"id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A23","name":"Ops","parent_id":null,"head_leader_id":null,
        "external_key":null,"archived_at":null,"created_at":"2026-01-01T08:00:00Z","updated_at":"2026-01-01T08:00:00Z","version":1},
        "support":"contributing","accountable_leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24"}],
        "required_leaders":[{"leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24","name":"Ada","area_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A23",
        "latest_rating":{"id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A25","initiative_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A10",
        "leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24","priority":4,"buy_in":"committed","resistance_note":"budget",
        "source":"workshop","rated_at":"2026-03-20T09:30:00.123456Z","recorded_by":"key:ops"}}],
        "alignment":{"index":0.25,"revisit_window_days":90,"required":["7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24"],
        "aligned":["7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24"],"out_of_line":[],"stale":[],"missing":[],
        "resisting":["7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24"],"spread":{"count":4,"min":1,"max":5,"mean":3.25,"standard_deviation":1.479019945774904}},
        "gate":{"threshold":"0.75","source":"initiative","met":false,"not_aligned_leaders":[
        {"leader_id":"7E0C5C9B-2A4B-4C1E-9E43-0B8F7E7C6A24","name":"Ada","status":"stale"}]},
        "time_to_alignment":{"created_on":"2026-01-01","first_reached_on":"2026-02-01","days_to_alignment":31,"days_so_far":null},
        "support_drops":[]}
        """#

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            return try #require(JSONCoding.time(text))
        }
        return decoder
    }()

    static func detail(_ json: String) throws -> InitiativeDetail {
        try decoder.decode(InitiativeDetail.self, from: Data(json.utf8))
    }

    @Test(arguments: [edgeDetail, fullDetail])
    func initiativeDetailMatchesFoundation(_ json: String) throws {
        let detail = try Self.detail(json)
        try DirectJSONEncoderTests.expectSame(detail, renamed: false)
        try DirectJSONEncoderTests.expectSame(detail, renamed: true)
        try DirectJSONEncoderTests.expectSame(detail.initiative, renamed: false)
        // What the route sends: the value reads back as itself (times to the second).
        let sent = try JSONCoding.body(detail, namesSpelled: true)
        #expect(try Self.decoder.decode(InitiativeDetail.self, from: Data(sent)).alignment == detail.alignment)
    }

    /// Generated details: the two fixtures with their leaves replaced at random (free text from an alphabet of
    /// escapes and non-ASCII, other UUIDs, times with microseconds, numbers, nulls) and lists grown and shrunk.
    @Test func generatedInitiativeDetailsMatchFoundation() throws {
        var compared = 0
        for round in 0..<400 {
            let base = round.isMultiple(of: 2) ? Self.edgeDetail : Self.fullDetail
            let tree = try JSONSerialization.jsonObject(with: Data(base.utf8))
            let mutated = try JSONSerialization.data(withJSONObject: Self.mutate(tree, key: ""))
            // A null where the type allows none, say: not a value of the type, so nothing to compare.
            guard let detail = try? Self.decoder.decode(InitiativeDetail.self, from: mutated) else { continue }
            try DirectJSONEncoderTests.expectSame(detail, renamed: false)
            compared += 1
        }
        #expect(compared > 300)
    }

    /// The fields either fixture leaves null: the ones the types make optional.
    static let nullable: Set<String> = [
        "sponsor_leader_id", "revisit_cadence_days", "archived_at", "parent_id", "head_leader_id", "external_key",
        "latest_rating", "index", "spread", "time_to_alignment", "first_reached_on", "days_to_alignment",
        "days_so_far", "previous_buy_in", "buy_in", "resistance_note", "recorded_by", "accountable_leader_id",
        "start_date", "target_date", "quiet_after_days", "alignment_gate",
    ]
    static let freeText: Set<String> = [
        "title", "description", "name", "external_key", "resistance_note", "recorded_by",
    ]
    static let alphabet = Array("ab Z9\"\\/\u{0}\u{7}\u{8}\t\n\u{c}\r\u{1f}\u{7f}é😀\u{301}\u{2028}")

    static func mutate(_ value: Any, key: String) -> Any {
        switch value {
        case let object as [String: Any]:
            return object.reduce(into: [String: Any]()) { result, member in
                let null = nullable.contains(member.key) && Int.random(in: 0..<3) == 0
                result[member.key] = null ? NSNull() : mutate(member.value, key: member.key)
            }
        case let array as [Any]:
            guard let first = array.first else { return array }
            return (0..<Int.random(in: 0...3)).map { _ in mutate(first, key: key) }
        case is String where freeText.contains(key):
            return String((0..<Int.random(in: 0...30)).map { _ in alphabet.randomElement()! })
        case let text as String where UUID(uuidString: text) != nil:
            return UUID().uuidString
        case let text as String where text.count > 10 && JSONCoding.time(text) != nil:
            let micros = Int64.random(in: -3_000_000_000_000_000...4_000_000_000_000_000)
            return Date(timeIntervalSince1970: Double(micros) / 1_000_000).formatted(
                Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        case is NSNumber where ["standard_deviation", "mean", "index"].contains(key):
            return Double.random(in: -1e6...1e6) * (Bool.random() ? 1 : 1e-9)
        case is NSNumber where !["met", "buy_in_went_back"].contains(key):
            return Int.random(in: Int.min...Int.max) >> Int.random(in: 0...63)
        default:
            return value
        }
    }

    @Test func problemDocumentsMatchFoundation() throws {
        var problem = Problem.invalid(field: "title\u{0}", rule: "length", message: "\"title\" is\ttoo long é")
        problem.instance = "/v1/orgs/x/initiatives"
        problem.requestId = "req-1"
        problem.notAlignedLeaders = [
            try JSONDecoder().decode(
                Problem.Leader.self, from: Data(#"{"leader_id":"\#(UUID())","name":"Ada\n","status":"stale"}"#.utf8))
        ]
        problem.errors?.append(.init(field: "csv", rule: "type", message: "line", line: 42))
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(JSONEquivalence.same(try JSONCoding.body(problem, namesSpelled: true), try foundation.encode(problem)))
        #expect(
            JSONEquivalence.same(
                try JSONCoding.body(Problem.notFound("x")), try foundation.encode(Problem.notFound("x"))))
    }
}
