import Foundation
import PQ

/// Applies `sql/migrations` in order, each in its own transaction, then re-applies `sql/views`.
///
/// A session advisory lock keeps two processes from migrating at once; each applied file is recorded with
/// a checksum, and a file that changed after it was applied stops everything.
public struct Migrator: Sendable {
    public let sqlDirectory: URL
    /// Any 64-bit number unique to this purpose; the second migrator to take it waits.
    static let advisoryLockKey: Int64 = 0x436f_6e63_6f72_64

    public init(sqlDirectory: URL) {
        self.sqlDirectory = sqlDirectory
    }

    public var migrationsDirectory: URL { sqlDirectory.appendingPathComponent("migrations") }
    public var viewsDirectory: URL { sqlDirectory.appendingPathComponent("views") }

    public struct Status: Sendable, Equatable {
        public enum State: String, Sendable { case applied, pending, changed }
        public let version: Int
        public let name: String
        public let state: State
        public let appliedAt: Date?
    }

    /// Brings the database at `conninfo` up to date; returns the versions applied now.
    @discardableResult
    public func migrate(conninfo: String) async throws -> [Int] {
        let files = try MigrationFile.load(from: migrationsDirectory)
        let connection = try await Connection.connect(conninfo)
        defer { Task { await connection.close() } }
        try await connection.query("SELECT pg_advisory_lock(\(Self.advisoryLockKey))")
        do {
            let applied = try await prepare(connection, files: files)
            var newlyApplied: [Int] = []
            for file in files where applied[file.version] == nil {
                try await apply(file, on: connection)
                newlyApplied.append(file.version)
            }
            try await applyViews(on: connection)
            try await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
            return newlyApplied
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.advisoryLockKey))")
            throw error
        }
    }

    /// What is applied, pending, or changed since it was applied.
    public func status(conninfo: String) async throws -> [Status] {
        let files = try MigrationFile.load(from: migrationsDirectory)
        let connection = try await Connection.connect(conninfo)
        defer { Task { await connection.close() } }
        try await ensureLedger(connection)
        let rows = try await connection.query(
            "SELECT version, checksum, applied_at FROM concord_migrations ORDER BY version")
        var recorded: [Int: (String, Date)] = [:]
        for row in rows {
            let (version, checksum, at) = try row.decode((Int, String, Date).self)
            recorded[version] = (checksum, at)
        }
        var result: [Status] = []
        for file in files {
            guard let (checksum, at) = recorded[file.version] else {
                result.append(Status(version: file.version, name: file.name, state: .pending, appliedAt: nil))
                continue
            }
            let current = try await self.checksum(file.sql, on: connection)
            result.append(
                Status(
                    version: file.version, name: file.name, state: current == checksum ? .applied : .changed,
                    appliedAt: at))
        }
        return result
    }

    private func ensureLedger(_ connection: Connection) async throws {
        try await connection.simpleQuery(
            """
            CREATE TABLE IF NOT EXISTS concord_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    /// Checks every applied file against its checksum; returns what is applied.
    private func prepare(_ connection: Connection, files: [MigrationFile]) async throws -> [Int: String] {
        try await ensureLedger(connection)
        var applied: [Int: String] = [:]
        var names: [Int: String] = [:]
        for row in try await connection.query("SELECT version, name, checksum FROM concord_migrations") {
            let (version, name, checksum) = try row.decode((Int, String, String).self)
            applied[version] = checksum
            names[version] = name
        }
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for (version, checksum) in applied.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else {
                throw MigrationError.missingFile(version: version, name: names[version] ?? "?")
            }
            if try await self.checksum(file.sql, on: connection) != checksum {
                throw MigrationError.changedAfterApply(version: version, name: file.name)
            }
        }
        return applied
    }

    private func apply(_ file: MigrationFile, on connection: Connection) async throws {
        do {
            try await connection.simpleQuery("BEGIN")
            try await connection.simpleQuery(file.sql)
            try await connection.query(
                """
                INSERT INTO concord_migrations (version, name, checksum)
                VALUES (\(file.version), \(file.name), encode(sha256(convert_to(\(file.sql), 'UTF8')), 'hex'))
                """)
            try await connection.simpleQuery("COMMIT")
        } catch {
            _ = try? await connection.simpleQuery("ROLLBACK")
            throw MigrationError.failed(version: file.version, name: file.name, underlying: error)
        }
    }

    /// Views are replaced on every run (CREATE OR REPLACE), all in one transaction.
    private func applyViews(on connection: Connection) async throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: viewsDirectory.path) else { return }
        let files = names.filter { $0.hasSuffix(".sql") }.sorted()
        guard !files.isEmpty else { return }
        try await connection.simpleQuery("BEGIN")
        do {
            for name in files {
                let text = try String(contentsOf: viewsDirectory.appendingPathComponent(name), encoding: .utf8)
                try await connection.simpleQuery(text)
            }
            try await connection.simpleQuery("COMMIT")
        } catch {
            _ = try? await connection.simpleQuery("ROLLBACK")
            throw error
        }
    }

    private func checksum(_ text: String, on connection: Connection) async throws -> String {
        let rows = try await connection.query("SELECT encode(sha256(convert_to(\(text), 'UTF8')), 'hex')")
        return try rows[0].decode(0, as: String.self)
    }

    /// `CONCORD_SQL_DIR`, else the nearest `sql/` folder above the working directory or the executable.
    public static func locateSQLDirectory() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["CONCORD_SQL_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        let starts = [
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent(),
        ]
        for start in starts {
            var folder = start.standardizedFileURL
            while folder.path != "/" {
                let candidate = folder.appendingPathComponent("sql")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("migrations").path) {
                    return candidate
                }
                folder.deleteLastPathComponent()
            }
        }
        throw MigrationError.sqlDirectoryNotFound
    }
}
