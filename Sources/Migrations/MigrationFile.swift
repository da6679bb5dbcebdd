import Foundation

/// One numbered plain-SQL file, e.g. `0003_goal_trees.sql`.
public struct MigrationFile: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// Reads `NNNN_name.sql` files from `directory` in version order; other files are ignored.
    public static func load(from directory: URL) throws -> [MigrationFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var files: [MigrationFile] = []
        for name in names where name.hasSuffix(".sql") {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw MigrationError.badFileName(name)
            }
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            files.append(
                MigrationFile(version: version, name: String(stem[stem.index(after: underscore)...]), sql: text))
        }
        files.sort { $0.version < $1.version }
        for (first, second) in zip(files, files.dropFirst()) where first.version == second.version {
            throw MigrationError.duplicateVersion(first.version)
        }
        return files
    }
}

public enum MigrationError: Error, CustomStringConvertible {
    case badFileName(String)
    case duplicateVersion(Int)
    case changedAfterApply(version: Int, name: String)
    case missingFile(version: Int, name: String)
    case sqlDirectoryNotFound
    case failed(version: Int, name: String, underlying: any Error)

    public var description: String {
        switch self {
        case .badFileName(let name):
            return "migration file \(name) is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            return "two migration files share the version \(version)"
        case .changedAfterApply(let version, let name):
            return "migration \(version)_\(name) was changed after it was applied; "
                + "migrations are never edited once shipped: add a new one"
        case .missingFile(let version, let name):
            return "migration \(version)_\(name) is applied in the database but its file is missing"
        case .sqlDirectoryNotFound:
            return "no sql/migrations folder found; set CONCORD_SQL_DIR to the folder holding migrations/ and views/"
        case .failed(let version, let name, let underlying):
            return "migration \(version)_\(name) failed and was rolled back: \(underlying)"
        }
    }
}
