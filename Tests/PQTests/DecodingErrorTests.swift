import ConcordTestSupport
import PQ
import Testing

/// A value that cannot be decoded is reported with its column and both types; columns are found by name
/// as the SELECT list names them, duplicates included.
@Suite struct DecodingErrorTests {
    @Test func aMismatchNamesTheColumnAndBothTypes() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let row = try await connection.query("SELECT 7::int8 AS id, 'seven'::text AS label")[0]
        let error = #expect(throws: PostgresError.self) { try row.decode("label", as: Int.self) }
        #expect(error?.kind == .decoding)
        #expect(error?.message.contains("\"label\"") == true)
        #expect(error?.message.contains("#1") == true)
        #expect(error?.message.contains("Int") == true)
        #expect(error?.message.contains("text") == true)
        #expect(error?.column == "label")
        // The column before it still decodes, by name and by position.
        #expect(try row.decode("id", as: Int.self) == 7)
        #expect(try row.decode(0, as: Int.self) == 7)
    }

    @Test func aNullNamesItsColumnAndAnArrayElementItsPlace() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let row = try await connection.query("SELECT NULL::int8 AS missing, ARRAY[1, NULL]::int8[] AS numbers")[0]
        let null = #expect(throws: PostgresError.self) { try row.decode("missing", as: Int.self) }
        #expect(null?.message.contains("\"missing\"") == true)
        #expect(null?.message.contains("NULL") == true)
        let element = #expect(throws: PostgresError.self) { try row.decode("numbers", as: [Int].self) }
        #expect(element?.message.contains("\"numbers[2]\"") == true)
        #expect(try row.decode("numbers", as: [Int?].self) == [1, nil])
    }

    @Test func columnsAreFoundByNameInAnyOrderAndTheFirstOfTwoAlikeWins() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let row = try await connection.query(
            "SELECT 1::int8 AS n, 2::int8 AS m, 3::int8 AS n, 'é'::text AS \"ünïcode\"")[0]
        #expect(try row.decode("m", as: Int.self) == 2)
        // After "m", the next column (#2) is also called "n": a search finds the first.
        #expect(try row.decode("n", as: Int.self) == 1)
        #expect(try row.decode("n", as: Int.self) == 1)
        #expect(try row.decode(2, as: Int.self) == 3)
        #expect(try row.decode("ünïcode", as: String.self) == "é")
        let result = try await connection.query("SELECT 1::int8 AS n, 2::int8 AS m, 3::int8 AS n")
        #expect(result.columnNames == ["n", "m", "n"])
        #expect(result.columnCount == 3)
        let unknown = #expect(throws: PostgresError.self) { try result[0].decode("nope", as: Int.self) }
        #expect(unknown?.message.contains("columns: n, m, n") == true)
        let outOfRange = #expect(throws: PostgresError.self) { try result[0].decode(3, as: Int.self) }
        #expect(outOfRange?.message.contains("3 columns") == true)
    }
}
