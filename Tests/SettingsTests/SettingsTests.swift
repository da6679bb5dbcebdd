import ConcordSettings
import Foundation
import Testing

/// Settings come from the environment, secret files and a JSON config file, in that order of precedence;
/// a value that is present but unusable is refused with the variable's name.
@Suite struct SettingsTests {
    @Test func environmentVariablesAreReadAndUnsetOnesFallBack() async throws {
        let settings = try await Settings.load(["CONCORD_API_POOL_SIZE": "4", "CONCORD_API_HOST": ""])
        #expect(try settings.integer("api.pool_size", default: 16, range: 1...500) == 4)
        #expect(try settings.integer("api.port", default: 8080, range: 0...65535) == 8080)
        // An empty variable counts as unset.
        #expect(try settings.string("api.host") == nil)
    }

    @Test func configFileFillsWhatTheEnvironmentLeavesOut() async throws {
        let file = try Scratch.write(#"{"api": {"port": 9000, "pool_size": 3}, "log": {"format": "json"}}"#)
        let settings = try await Settings.load(["CONCORD_CONFIG_FILE": file, "CONCORD_API_POOL_SIZE": "7"])
        #expect(try settings.integer("api.port", default: 8080, range: 0...65535) == 9000)
        #expect(try settings.choice("log.format", default: "text", among: ["text", "json"]) == "json")
        // The environment wins over the file.
        #expect(try settings.integer("api.pool_size", default: 16, range: 1...500) == 7)
    }

    @Test func secretFileStandsForItsVariable() async throws {
        let secret = try Scratch.write("host=db1,db2 password=s3cret target_session_attrs=read-write\n")
        let settings = try await Settings.load(["CONCORD_DATABASE_URL_FILE": secret])
        // The trailing newline of the file is no part of the secret.
        #expect(try settings.string("database_url") == "host=db1,db2 password=s3cret target_session_attrs=read-write")
    }

    @Test func badValuesNameTheirVariable() async throws {
        let settings = try await Settings.load(["CONCORD_API_PORT": "eighty", "CONCORD_LOG_FORMAT": "xml"])
        let port = #expect(throws: InvalidSetting.self) {
            try settings.integer("api.port", default: 8080, range: 0...65535)
        }
        #expect(port?.variable == "CONCORD_API_PORT")
        #expect(port?.description.contains("eighty") == true)
        let format = #expect(throws: InvalidSetting.self) {
            try settings.choice("log.format", default: "text", among: ["text", "json"])
        }
        #expect(format?.variable == "CONCORD_LOG_FORMAT")
        // The wrong type in the file is refused too, not silently replaced by the default.
        let file = try Scratch.write(#"{"api": {"port": "eighty"}}"#)
        let fromFile = try await Settings.load(["CONCORD_CONFIG_FILE": file])
        let filePort = #expect(throws: InvalidSetting.self) {
            try fromFile.integer("api.port", default: 8080, range: 0...65535)
        }
        #expect(filePort?.variable == "CONCORD_API_PORT")
    }

    @Test func unusableFilesNameTheirVariable() async throws {
        let missing = await #expect(throws: InvalidSetting.self) {
            try await Settings.load(["CONCORD_DATABASE_URL_FILE": "/nonexistent/secret"])
        }
        #expect(missing?.variable == "CONCORD_DATABASE_URL_FILE")
        let both = await #expect(throws: InvalidSetting.self) {
            try await Settings.load(["CONCORD_DATABASE_URL_FILE": "/x", "CONCORD_DATABASE_URL": "dbname=x"])
        }
        #expect(both?.variable == "CONCORD_DATABASE_URL_FILE")
        let malformed = await #expect(throws: InvalidSetting.self) {
            try await Settings.load(["CONCORD_CONFIG_FILE": try Scratch.write("{not json")])
        }
        #expect(malformed?.variable == "CONCORD_CONFIG_FILE")
    }
}

/// Files for one test, in the temporary directory.
enum Scratch {
    static func write(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("concord-settings-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
