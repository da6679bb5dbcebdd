import ConcordDomain
import ConcordStore
import DirectJSON
import Foundation
import Testing

/// The initiative read's response writes its own JSON (`DirectJSONWritable`, no `Encoder` calls): it must parse
/// to exactly what Foundation's encoder makes of the synthesized `encode(to:)`, for every field of every type
/// inside it: optionals left out when nil, the gate's decimals as strings, dates, escapes and numbers.
@Suite struct InitiativeDetailJSONTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static let texts = [
        "", "Quality", "say \"yes\" \\ no", "tab\tline\nreturn\r", "\u{01}\u{1F}\u{7F}", "é ü 中文 😀", "a/b</script>",
    ]
    static let decimals: [Double] = [0, 1, 0.5, 0.25, 0.333_333_333_333_333_3, 12.75, 0.1]
    static let doubles: [Double] = [0, 0.1, 1e-7, 123_456.789, 2.5, 1_000_000]
    nonisolated(unsafe) static let formatter = ISO8601DateFormatter()

    struct Values {
        var generator: Generator
        /// Each optional present about half the time, unless `allPresent` or `allAbsent` says otherwise.
        var presence: Bool?

        mutating func present() -> Bool { presence ?? Bool.random(using: &generator) }
        mutating func text() -> String { InitiativeDetailJSONTests.texts.randomElement(using: &generator)! }
        mutating func uuid() -> String {
            UUID(uuid: withUnsafeBytes(of: (generator.next(), generator.next())) { $0.load(as: uuid_t.self) })
                .uuidString
        }
        mutating func int() -> Int { [0, 1, 5, -3, 42, Int(Int32.max)].randomElement(using: &generator)! }
        mutating func time() -> String {
            let seconds = Double(Int64.random(in: -2_000_000_000...4_000_000_000, using: &generator))
            return InitiativeDetailJSONTests.formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        mutating func day() -> String {
            String(
                format: "%04d-%02d-%02d", Int.random(in: 1990...2099, using: &generator),
                Int.random(in: 1...12, using: &generator), Int.random(in: 1...28, using: &generator))
        }
        mutating func uuids() -> [String] { (0..<Int.random(in: 0...3, using: &generator)).map { _ in uuid() } }
        mutating func optional(_ make: (inout Values) -> Any) -> Any? { present() ? make(&self) : nil }

        mutating func area() -> [String: Any?] {
            [
                "id": uuid(), "name": text(), "parent_id": optional { $0.uuid() },
                "head_leader_id": optional { $0.uuid() }, "external_key": optional { $0.text() },
                "archived_at": optional { $0.time() }, "created_at": time(), "updated_at": time(), "version": int(),
            ]
        }

        mutating func rating() -> [String: Any?] {
            [
                "id": uuid(), "initiative_id": uuid(), "leader_id": uuid(), "priority": int(),
                "buy_in": optional { BuyIn.allCases.randomElement(using: &$0.generator)!.rawValue },
                "resistance_note": optional { $0.text() },
                "source": RatingSource.allCases.randomElement(using: &generator)!.rawValue,
                "rated_at": time(), "recorded_by": optional { $0.text() },
            ]
        }

        mutating func detail() -> [String: Any?] {
            [
                "initiative": [
                    "id": uuid(), "title": text(), "description": text(), "lead_area_id": uuid(),
                    "sponsor_leader_id": optional { $0.uuid() }, "importance": int(),
                    "stage": Stage.allCases.randomElement(using: &generator)!.rawValue,
                    "health": Health.allCases.randomElement(using: &generator)!.rawValue,
                    "start_date": optional { $0.day() }, "target_date": optional { $0.day() },
                    "revisit_cadence_days": optional { $0.int() }, "quiet_after_days": optional { $0.int() },
                    "alignment_gate": optional {
                        ["0", "1", "0.8", "0.75", "0.123456789"].randomElement(using: &$0.generator)!
                    },
                    "last_activity_at": time(), "stage_changed_at": time(), "archived_at": optional { $0.time() },
                    "created_at": time(), "updated_at": time(), "version": int(),
                ] as [String: Any?],
                "lead_area": area(),
                "supporting_areas": (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                    ["area": area(), "support": text(), "accountable_leader_id": optional { $0.uuid() }]
                        as [String: Any?]
                },
                "required_leaders": (0..<Int.random(in: 0...3, using: &generator)).map { _ in
                    [
                        "leader_id": uuid(), "name": text(), "area_id": uuid(),
                        "latest_rating": optional { $0.rating() },
                    ] as [String: Any?]
                },
                "alignment": [
                    "index": optional { InitiativeDetailJSONTests.decimals.randomElement(using: &$0.generator)! },
                    "revisit_window_days": int(), "required": uuids(), "aligned": uuids(), "out_of_line": uuids(),
                    "stale": uuids(), "missing": uuids(), "resisting": uuids(),
                    "spread": optional {
                        [
                            "count": $0.int(), "min": $0.int(), "max": $0.int(),
                            "mean": InitiativeDetailJSONTests.decimals.randomElement(using: &$0.generator)!,
                            "standard_deviation": InitiativeDetailJSONTests.doubles.randomElement(
                                using: &$0.generator)!,
                        ]
                    },
                ] as [String: Any?],
                "gate": [
                    "threshold": ["0.8", "1", "0", "0.65"].randomElement(using: &generator)!, "source": text(),
                    "met": Bool.random(using: &generator),
                    "not_aligned_leaders": (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                        ["leader_id": uuid(), "name": text(), "status": text()]
                    },
                ] as [String: Any],
                "time_to_alignment": optional {
                    [
                        "created_on": $0.day(), "first_reached_on": $0.optional { $0.day() },
                        "days_to_alignment": $0.optional { $0.int() }, "days_so_far": $0.optional { $0.int() },
                    ] as [String: Any?]
                },
                "support_drops": (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                    [
                        "leader_id": uuid(), "name": text(), "previous_priority": int(), "priority": int(),
                        "previous_buy_in": optional { BuyIn.allCases.randomElement(using: &$0.generator)!.rawValue },
                        "buy_in": optional { BuyIn.allCases.randomElement(using: &$0.generator)!.rawValue },
                        "rated_at": time(), "priority_drop": int(), "buy_in_went_back": Bool.random(using: &generator),
                    ] as [String: Any?]
                },
            ]
        }
    }

    /// JSON with nil fields left out, decoded as the API's clients would send it back.
    static func decode(_ fields: [String: Any?]) throws -> InitiativeDetail {
        func strip(_ value: Any) -> Any {
            switch value {
            case let object as [String: Any?]: return object.compactMapValues { $0.map(strip) }
            case let object as [String: Any]: return object.mapValues(strip)
            case let list as [Any]: return list.map(strip)
            default: return value
            }
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(InitiativeDetail.self, from: JSONSerialization.data(withJSONObject: strip(fields)))
    }

    @Test("every optional absent, every list empty or not, every optional present: both encoders agree")
    func edges() throws {
        for presence in [false, true] {
            for seed in UInt64(1)...8 {
                var values = Values(generator: Generator(state: seed), presence: presence)
                let detail = try Self.decode(values.detail())
                try DirectJSONEncoderTests.expectSame(detail, renamed: false)
                try DirectJSONEncoderTests.expectSame(detail, renamed: true)
            }
        }
    }

    @Test("300 generated initiative details: the self-written JSON parses as Foundation's")
    func generated() throws {
        var values = Values(generator: Generator(state: 20_261_129))
        for _ in 0..<300 {
            let detail = try Self.decode(values.detail())
            try DirectJSONEncoderTests.expectSame(detail, renamed: false)
        }
    }

    @Test("the detail and every type inside it write themselves rather than go through the Encoder protocol")
    func writesItself() {
        let types: [Any.Type] = [
            InitiativeDetail.self, Initiative.self, Area.self, SupportingAreaDetail.self, RequiredLeader.self,
            RatingRecord.self, AlignmentSummary.self, AlignmentSummary.Spread.self, GateStatus.self,
            NotAlignedLeader.self, TimeToAlignment.self, SupportDropRecord.self,
        ]
        for type in types {
            #expect(type is any DirectJSONWritable.Type, "\(type)")
        }
    }
}
