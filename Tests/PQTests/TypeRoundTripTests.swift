import ConcordTestSupport
import Foundation
import PQ
import Testing

/// Values go to the server as parameters and come back in binary format unchanged.
@Suite struct TypeRoundTripTests {
    func roundTrip<T: PostgresEncodable & PostgresDecodable & Equatable>(
        _ value: T, as sqlType: String, on connection: Connection
    ) async throws -> T {
        let rows = try await connection.query("SELECT \(value)::\(unescaped: sqlType) AS v")
        return try rows[0].decode("v", as: T.self)
    }

    @Test func scalarsRoundTripWithEdgeValues() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        for value in [true, false] { #expect(try await roundTrip(value, as: "bool", on: connection) == value) }
        for value in [Int16.min, 0, Int16.max] {
            #expect(try await roundTrip(value, as: "int2", on: connection) == value)
        }
        for value in [Int32.min, -1, Int32.max] {
            #expect(try await roundTrip(value, as: "int4", on: connection) == value)
        }
        for value in [Int64.min, 0, Int64.max] {
            #expect(try await roundTrip(value, as: "int8", on: connection) == value)
        }
        for value in [Int.min, 42, Int.max] { #expect(try await roundTrip(value, as: "int8", on: connection) == value) }
        for value in [0.0, -1.5, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude, .infinity] {
            #expect(try await roundTrip(value, as: "float8", on: connection) == value)
        }
        for value in ["", "plain", "Zürich – 東京 – 🚀", "quote ' and \" and \\ and $1", "line\nbreak\ttab"] {
            #expect(try await roundTrip(value, as: "text", on: connection) == value)
        }
        let id = UUID()
        #expect(try await roundTrip(id, as: "uuid", on: connection) == id)
    }

    @Test func timestampsKeepMicroseconds() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        // Whole microseconds survive exactly; PostgreSQL keeps no finer precision.
        for seconds in [0.0, 1_798_200_000.123456, -2_208_988_800.5, 946_684_800.000001] {
            let date = Date(timeIntervalSince1970: seconds)
            let back = try await roundTrip(date, as: "timestamptz", on: connection)
            #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001)
        }
        let rows = try await connection.query("SELECT 'infinity'::timestamptz, '2026-03-29'::date")
        #expect(try rows[0].decode(0, as: Date.self) == .distantFuture)
        #expect(try rows[0].decode(1, as: Date.self) == Date(timeIntervalSince1970: 1_774_742_400))
    }

    @Test func numericsAreExact() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let texts = [
            "0", "1", "-1", "0.1", "12345.6789", "-0.000123", "99999999999999999999999999.999999999999",
            "100000000", "0.00000001", "123456789012345678901234567890",
        ]
        for text in texts {
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))!
            #expect(try await roundTrip(value, as: "numeric", on: connection) == value, "\(text)")
        }
        // Beyond Decimal's 38 digits the value is refused, never rounded.
        let huge = try await connection.query("SELECT (10::numeric ^ 50 + 1) AS n")
        #expect(throws: PostgresError.self) { try huge[0].decode("n", as: Decimal.self) }
    }

    @Test func numericsReadWithoutTextAreFoundationsParseBitForBit() async throws {
        // Small numerics are built from their digits rather than parsed from text: the same Decimal, bit for bit,
        // as parsing the server's own text, at every scale, sign, weight and digit count up to past 64 bits.
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        var texts = ["0", "0.00", "-0.000", "1", "-1", "0.5", "0.50", "10000", "10000.0000", "1e-30", "1e30"]
        texts += ["18446744073709551615", "18446744073709551616", "-0.0000000000000000000000000000000000001"]
        for _ in 0..<600 {
            let whole = String((0..<Int.random(in: 0...12)).map { _ in "0123456789".randomElement()! })
            let fraction = String((0..<Int.random(in: 0...14)).map { _ in "0123456789".randomElement()! })
            let text =
                (Bool.random() ? "-" : "") + (whole.isEmpty ? "0" : whole) + (fraction.isEmpty ? "" : ".\(fraction)")
            texts.append(text)
        }
        let rows = try await connection.query(
            "SELECT x::numeric AS n, x::numeric::text AS t FROM unnest(\(texts)::text[]) AS x")
        #expect(rows.count == texts.count)
        let posix = Locale(identifier: "en_US_POSIX")
        for row in rows {
            let text = try row.decode("t", as: String.self)
            let read = try row.decode("n", as: Decimal.self)
            let parsed = try #require(Decimal(string: text, locale: posix))
            #expect(withUnsafeBytes(of: read) { Array($0) } == withUnsafeBytes(of: parsed) { Array($0) }, "\(text)")
        }
    }

    @Test func arraysAndNullsRoundTrip() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        #expect(try await roundTrip([Int](), as: "int8[]", on: connection) == [])
        #expect(try await roundTrip([1, -2, Int.max], as: "int8[]", on: connection) == [1, -2, Int.max])
        let sparse: [Int64?] = [1, nil, -3]
        #expect(try await roundTrip(sparse, as: "int8[]", on: connection) == sparse)
        let texts = ["a,b", "{brace}", "quote\"", "back\\slash", "", "NULL", "Ünï \"çödé\" \\ ✓ 🚀"]
        #expect(try await roundTrip(texts, as: "text[]", on: connection) == texts)
        let withNull: [String?] = ["x", nil, "z"]
        #expect(try await roundTrip(withNull, as: "text[]", on: connection) == withNull)
        let ids = [UUID(), UUID()]
        #expect(try await roundTrip(ids, as: "uuid[]", on: connection) == ids)
        let none: String? = nil
        #expect(try await roundTrip(none, as: "text", on: connection) == nil)
        let some: Int? = 7
        #expect(try await roundTrip(some, as: "int4", on: connection) == 7)
    }

    struct Payload: Codable, Equatable, Sendable {
        var name: String
        var tags: [String]
        var score: Int?
    }

    @Test func jsonbRoundTripsThroughCodable() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let payload = Payload(name: "Ünïcode <script>", tags: ["a", "b"], score: nil)
        for type in ["jsonb", "json"] {
            let rows = try await connection.query("SELECT \(PostgresJSON(payload))::\(unescaped: type) AS j")
            #expect(try rows[0].decode("j", as: PostgresJSON<Payload>.self).value == payload)
        }
    }

    /// Lookups by name guess the column after the last one found (rows are decoded in SELECT order); in any
    /// order, in narrow and wide results, and with a repeated name (the first column of that name), they still
    /// find what a search finds.
    @Test func columnsAreFoundByNameInAnyOrder() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        for width in [3, 40] {
            let list = (0..<width).map { "\($0)::int8 AS c\($0)" }.joined(separator: ", ")
            let rows = try await connection.query("SELECT \(unescaped: list) FROM generate_series(1, 2)")
            let order = Array(0..<width) + Array((0..<width).reversed()) + (0..<width).map { ($0 * 7) % width }
            for row in rows {
                for column in order { #expect(try row.decode("c\(column)", as: Int.self) == column) }
            }
        }
        let repeated = try await connection.query("SELECT 1 AS a, 2 AS b, 3 AS a, 4 AS b")
        #expect(try repeated[0].decode("a", as: Int32.self) == 1)
        #expect(try repeated[0].decode("b", as: Int32.self) == 2)
        #expect(try repeated[0].decode("a", as: Int32.self) == 1)
        #expect(try repeated[0].decode("b", as: Int32.self) == 2)
    }

    @Test func decodingErrorsNameTheColumnAndBothTypes() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let rows = try await connection.query("SELECT 'x'::text AS label, NULL::int4 AS missing, 70000 AS big")
        let mismatch = #expect(throws: PostgresError.self) { try rows[0].decode("label", as: Int.self) }
        #expect(mismatch?.message.contains("\"label\"") == true)
        #expect(mismatch?.message.contains("text") == true)
        #expect(mismatch?.message.contains("Int") == true)
        let null = #expect(throws: PostgresError.self) { try rows[0].decode("missing", as: Int.self) }
        #expect(null?.message.contains("NULL") == true)
        #expect(try rows[0].decode("missing", as: Int?.self) == nil)
        #expect(throws: PostgresError.self) { try rows[0].decode("big", as: Int16.self) }
        #expect(throws: PostgresError.self) { try rows[0].decode("nope", as: Int.self) }
    }

    @Test func nulBytesInTextAreRefusedBeforeSending() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT \("a\u{0}b")::text")
        }
        #expect(error?.kind == .encoding)
        // A NUL that a following modifier joins into one Character is still a NUL to PostgreSQL.
        let joined = "a\u{0}\u{1F3FB}b"
        #expect(!joined.contains("\u{0}") && joined.containsNUL)
        await #expect(throws: PostgresError.self) { try await connection.query("SELECT \(joined)::text") }
        // The connection is still usable afterwards.
        #expect(try await connection.query("SELECT 1::int4")[0].decode(0, as: Int.self) == 1)
    }

    @Test func interpolationBindsValuesAsParameters() async throws {
        let hostile = "'; DROP TABLE x; --"
        let statement: SQL = "SELECT \(hostile)::text, \(3)::int4"
        #expect(statement.text == "SELECT $1::text, $2::int4")
        #expect(statement.parameters.count == 2)
        var combined: SQL = "SELECT \(1)::int4 AS a"
        combined.append(", \(2)::int4 AS b, \(hostile)::text AS c")
        #expect(combined.text == "SELECT $1::int4 AS a, $2::int4 AS b, $3::text AS c")
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let row = try await connection.query(combined)[0]
        #expect(try row.decode((Int, Int, String).self) == (1, 2, hostile))
    }
}
