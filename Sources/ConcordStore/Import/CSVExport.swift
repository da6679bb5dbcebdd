import CSVFormat
import Foundation
import PQ

extension Reads {
    /// Every live row of `kind` in the import's shape, as text, one read.
    public static func export(_ kind: ImportKind) -> StoreRead<[[String?]]> {
        let width = kind.columns.count
        return StoreRead([kind.spec.export]) { results in
            try results[0].map { row in try (0..<width).map { try row.decode($0, as: String?.self) } }
        }
    }
}

extension Store {
    /// The organisation's `kind` as a CSV file that `importCSV` reads back without a change.
    public func exportCSV(_ kind: ImportKind, scope: TenantScope) async throws -> String {
        let rows = try await read(scope, Reads.export(kind))
        var writer = CSVWriter()
        writer.append(kind.columns)
        for row in rows { writer.append(row.map { $0 ?? "" }) }
        return writer.text
    }
}
