import CSVFormat
import Foundation
import PQ

extension Store {
    /// Imports a CSV file into the scope's organisation, all or nothing: every issue of every line is
    /// reported in one `ImportRejected` and nothing is written unless the whole file is good. Rows equal
    /// to what is stored are left alone, so importing the same file again writes nothing.
    public func importCSV(
        _ kind: ImportKind, _ bytes: [UInt8], scope: TenantScope, progress: ImportProgress? = nil
    ) async throws -> ImportOutcome {
        let spec = kind.spec
        let (rows, fieldIssues, absent) = try Self.stage(spec, bytes)
        return try await write(scope) { tx in
            try await tx.requireActiveOrganisation()
            let transaction = tx.transaction
            let table = spec.stagingTable
            let columns = spec.stagingColumns + spec.resolvedColumns
            let definitions = (["line int4 NOT NULL"] + columns.map { "\($0.name) \($0.type)" })
                .joined(separator: ", ")
            // ON COMMIT DROP: a rolled-back or finished import leaves no staging table on the pooled connection.
            // Room on each page, so filling in the resolved ids (never indexed) is a HOT update.
            var setup: [SQL] = [
                "CREATE TEMP TABLE \(unescaped: table) (\(unescaped: definitions)) WITH (fillfactor = 50) ON COMMIT DROP"
            ]
            setup += spec.stagingIndexes.map { "CREATE INDEX ON pg_temp.\(unescaped: table) \(unescaped: $0)" }
            _ = try await transaction.pipeline(setup)
            let copy =
                "COPY pg_temp.\(table) (line, \(spec.stagingColumns.map(\.name).joined(separator: ", "))) FROM STDIN"
            let batch = 10_000
            var loaded = 0
            for start in stride(from: 0, to: rows.count, by: batch) {
                let slice = Array(rows[start..<min(start + batch, rows.count)])
                loaded += try await transaction.copyIn(copy, rows: slice)
                progress?(loaded, rows.count)
            }
            _ = try await transaction.pipeline(
                ["ANALYZE pg_temp.\(unescaped: table)"] + spec.resolve + spec.keepStored(absent: absent))
            var issues = fieldIssues
            for result in try await transaction.pipeline(spec.referenceChecks) {
                for row in result {
                    let (line, column, message) = try row.decode((Int32, String?, String).self)
                    issues.append(ImportIssue(line: Int(line), column: column, message: message))
                }
            }
            guard issues.isEmpty else { throw ImportRejected(issues: Self.ordered(issues)) }
            var inserted = 0
            var updated = 0
            for step in spec.merge {
                let count = Int(try await transaction.query(step.statement)[0].decode(0, as: Int64.self))
                switch step.counts {
                case .inserted: inserted += count
                case .updated: updated += count
                case .none: break
                }
            }
            return ImportOutcome(kind: kind, rows: rows.count, inserted: inserted, updated: updated)
        }
    }

    /// Parses and checks every record: the staged rows (line first), every issue, and the columns the
    /// header leaves out.
    static func stage(_ spec: any CSVImportSpec.Type, _ bytes: [UInt8]) throws -> (
        [[any PostgresEncodable]], [ImportIssue], Set<String>
    ) {
        let records: [CSVRecord]
        switch CSVReader.records(bytes) {
        case .success(let parsed): records = parsed
        case .failure(let syntax):
            throw ImportRejected(
                issues: syntax.errors.map { ImportIssue(line: $0.line, column: nil, message: $0.message) })
        }
        guard let header = records.first else {
            throw ImportRejected(issues: [
                ImportIssue(
                    line: 1, column: nil,
                    message:
                        "the file is empty: the first line must name the columns \(spec.columns.joined(separator: ","))"
                )
            ])
        }
        let (names, headerIssues) = bindHeader(spec, header)
        guard headerIssues.isEmpty else { throw ImportRejected(issues: headerIssues) }
        var rows: [[any PostgresEncodable]] = []
        rows.reserveCapacity(records.count - 1)
        var issues: [ImportIssue] = []
        var seen = SeenKeys()
        for record in records.dropFirst() {
            var values: [String: String] = [:]
            var check = RowCheck(line: record.line, values: [:])
            for (index, field) in record.fields.enumerated() {
                let name = index < names.count ? names[index] : nil
                let clean = !field.containsNUL
                if !clean { check.fail(name, "contains the NUL character") }
                if let name {
                    // PostgreSQL text cannot hold NUL: the value is dropped, its issue already reported.
                    values[name] = clean ? field : ""
                } else if !field.trimmingCharacters(in: .whitespaces).isEmpty {
                    check.fail(nil, "field \(index + 1) has a value but no column name in the header")
                }
            }
            check = RowCheck(line: record.line, values: values, issues: check.issues)
            // Staged even with issues (bad values as NULL), so its references are checked too and the
            // report is complete; nothing is merged unless there are no issues at all.
            rows.append([Int32(record.line)] + spec.stage(&check, seen: &seen))
            issues += check.issues
        }
        return (rows, issues, Set(spec.columns).subtracting(names.compactMap { $0 }))
    }

    /// Column names by position (nil for unnamed trailing columns), or the header's issues.
    static func bindHeader(_ spec: any CSVImportSpec.Type, _ header: CSVRecord) -> ([String?], [ImportIssue]) {
        var issues: [ImportIssue] = []
        var names: [String?] = []
        for field in header.fields {
            let name = field.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "_")
            if name.isEmpty {
                names.append(nil)
            } else if !spec.columns.contains(name) {
                issues.append(
                    ImportIssue(
                        line: header.line, column: name,
                        message: "unknown column; the columns are \(spec.columns.joined(separator: ", "))"))
                names.append(nil)
            } else if names.contains(name) {
                issues.append(ImportIssue(line: header.line, column: name, message: "appears twice in the header"))
                names.append(nil)
            } else {
                names.append(name)
            }
        }
        for missing in spec.columns where spec.requiredColumns.contains(missing) && !names.contains(missing) {
            issues.append(
                ImportIssue(line: header.line, column: missing, message: "required column missing from the header"))
        }
        return (names, issues)
    }

    static func ordered(_ issues: [ImportIssue]) -> [ImportIssue] {
        issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }
}

extension TenantTransaction {
    /// Imports go only into an organisation that exists and is not archived.
    func requireActiveOrganisation() async throws {
        let rows = try await transaction.query(
            "SELECT archived_at IS NOT NULL AS archived FROM organisations WHERE org_id = \(orgID)::uuid")
        guard let row = rows.first else { throw StoreError.notFound(entity: "organisation", id: orgID.uuidString) }
        if try row.decode("archived", as: Bool.self) {
            throw StoreError.invalid(
                constraint: "organisation_active",
                message: "organisation \(orgID) is archived: nothing is imported into it")
        }
    }
}
