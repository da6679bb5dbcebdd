import ConcordAPI
import Testing

/// A bad setting stops the process at start, naming the variable; good ones are read with their defaults.
@Suite struct EnvironmentTests {
    @Test func badValuesNameTheVariable() async throws {
        let noDatabase = await #expect(throws: APIEnvironment.Invalid.self) { try await APIEnvironment.load([:]) }
        #expect(noDatabase?.variable == "CONCORD_API_DATABASE_URL")
        let badPort = await #expect(throws: APIEnvironment.Invalid.self) {
            try await APIEnvironment.load(["CONCORD_DATABASE_URL": "dbname=x", "CONCORD_API_PORT": "eighty"])
        }
        #expect(badPort?.variable == "CONCORD_API_PORT")
        #expect(badPort?.description.contains("eighty") == true)
        let fine = try await APIEnvironment.load(["CONCORD_DATABASE_URL": "dbname=x", "CONCORD_API_POOL_SIZE": "4"])
        #expect(fine.poolSize == 4)
        #expect(fine.configuration.port == 8080)
    }
}
