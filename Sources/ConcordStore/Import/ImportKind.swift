import Foundation

/// What a CSV file holds: the four shapes a consultancy imports from a client's spreadsheets.
public enum ImportKind: String, Sendable, CaseIterable, Codable {
    case areas, leaders, initiatives, ratings

    var spec: any CSVImportSpec.Type {
        switch self {
        case .areas: AreaImport.self
        case .leaders: LeaderImport.self
        case .initiatives: InitiativeImport.self
        case .ratings: RatingImport.self
        }
    }

    /// The header of the file, in the order exports write it.
    public var columns: [String] { spec.columns }
}

/// One problem of an import, at the line of the file it is on; `column` is nil for a whole line or file.
public struct ImportIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public let line: Int
    public let column: String?
    public let message: String

    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `12: column email: not an email address`.
    public var description: String {
        column.map { "\(line): column \($0): \(message)" } ?? "\(line): \(message)"
    }
}

/// The file was refused as a whole: every issue found, in line order; nothing was written.
public struct ImportRejected: Error, Sendable, Hashable {
    public let issues: [ImportIssue]
}

/// What an import wrote. A second import of the same file writes nothing.
public struct ImportOutcome: Sendable, Hashable, Codable {
    public let kind: ImportKind
    /// Records in the file (the header not counted).
    public let rows: Int
    public let inserted: Int
    /// Rows changed, including an initiative's supporting areas; rows already equal are left alone.
    public let updated: Int
}

/// Called as rows reach the database: (rows loaded, rows in the file).
public typealias ImportProgress = @Sendable (_ loaded: Int, _ total: Int) -> Void
