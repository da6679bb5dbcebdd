/// Runs `psql` on a file, for the SQL test suites.
public enum Psql {
    public static func run(conninfo: String, file: String) async throws -> (status: Int32, output: String) {
        try await Command.run(
            "/usr/bin/env", ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-f", file])
    }
}
