import ConcordTestSupport
import Foundation
import PQ
import Testing

/// `deploy/SCALE-OUT.md` holds the Citus plan as SQL; this checks it against the migrated schema with
/// Citus's rules, so neither the schema nor the plan can drift from the other unnoticed.
@Suite struct CitusPlanTests {
    @Test func thePlanCoversEveryTableAndTheSchemaMeetsCitusRules() async throws {
        let plan = try CitusPlan.read()
        let database = try await TestDatabase.shared.create()
        let connection = try await Connection.connect(database.conninfo)
        defer { Task { await connection.close() } }
        let schema = try await CatalogSnapshot.read(connection)

        // Every table is named once: distributed, reference, or left on the coordinator.
        let named = plan.distributed + plan.reference + plan.coordinator
        #expect(Set(named).count == named.count, "a table is named twice: \(named)")
        #expect(
            Set(named) == Set(schema.tables.keys),
            "plan and schema differ: plan only \(Set(named).subtracting(schema.tables.keys)), schema only \(Set(schema.tables.keys).subtracting(named))"
        )
        // Every tenant table is distributed or copied; none stays behind on the coordinator.
        for (table, info) in schema.tables where info.hasOrgID {
            #expect(!plan.coordinator.contains(table), "tenant table \(table) left on the coordinator")
        }

        let distributed = Set(plan.distributed)
        for table in plan.distributed {
            let info = try #require(schema.tables[table])
            #expect(info.orgIDNotNull, "\(table).org_id must be NOT NULL to be the distribution column")
            for index in schema.uniqueIndexes where index.table == table {
                #expect(index.includesOrgID, "\(table): unique index \(index.name) does not include org_id")
            }
        }

        // Dropped constraints exist; they are exempt from the foreign key rules below.
        let foreignKeyNames = Set(schema.foreignKeys.map(\.name))
        for name in plan.dropped {
            #expect(foreignKeyNames.contains(name), "the plan drops \(name), which the schema does not have")
        }
        let order = Dictionary(uniqueKeysWithValues: (plan.reference + plan.distributed).enumerated().map { ($1, $0) })
        for key in schema.foreignKeys where !plan.dropped.contains(key.name) {
            let from = key.table
            let to = key.referencedTable
            switch (distributed.contains(from), distributed.contains(to)) {
            case (true, true):
                #expect(key.joinsOrgIDToOrgID, "\(key.name): \(from) → \(to) must join org_id to org_id")
                if from != to {
                    #expect(
                        order[to, default: .max] < order[from, default: .max],
                        "\(to) must be distributed before \(from) (\(key.name))")
                }
            case (false, true):
                Issue.record("\(key.name): \(from) is not distributed but references distributed \(to)")
            case (true, false):
                #expect(
                    plan.reference.contains(to), "\(key.name): \(from) references \(to), which is not a reference table"
                )
            case (false, false):
                if plan.reference.contains(from) {
                    #expect(plan.reference.contains(to), "\(key.name): reference table \(from) references \(to)")
                    #expect(
                        order[to, default: .max] < order[from, default: .max],
                        "\(to) must be a reference table before \(from)")
                }
            }
        }

        // One co-location group: the first distributed table anchors it, the rest name it.
        let anchor = try #require(plan.distributed.first)
        #expect(plan.colocation[anchor] == nil)
        for table in plan.distributed.dropFirst() {
            #expect(plan.colocation[table] == anchor, "\(table) must be co-located with \(anchor)")
        }
    }
}

/// The SQL block of `deploy/SCALE-OUT.md`, read back.
struct CitusPlan {
    var distributed: [String] = []
    var colocation: [String: String] = [:]
    var reference: [String] = []
    var coordinator: [String] = []
    var dropped: Set<String> = []

    static func read() throws -> CitusPlan {
        let path = TestDatabase.sqlDirectory.deletingLastPathComponent().appendingPathComponent("deploy/SCALE-OUT.md")
        let text = try String(contentsOf: path, encoding: .utf8)
        var plan = CitusPlan()
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let quoted = line.split(separator: "'", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element) }
            if line.hasPrefix("SELECT create_distributed_table("), let table = quoted.first {
                #expect(quoted.dropFirst().first == "org_id", "\(table) must be distributed by org_id")
                plan.distributed.append(table)
                if quoted.count > 2 { plan.colocation[table] = quoted[2] }
            } else if line.hasPrefix("SELECT create_reference_table("), let table = quoted.first {
                plan.reference.append(table)
            } else if line.hasPrefix("-- coordinator:") {
                plan.coordinator += line.dropFirst("-- coordinator:".count).split(separator: ",")
                    .map { $0.trimmingCharacters(in: .whitespaces) }
            } else if line.hasPrefix("ALTER TABLE"), line.contains(" DROP CONSTRAINT ") {
                let name = line.components(separatedBy: " DROP CONSTRAINT ").last ?? ""
                plan.dropped.insert(name.trimmingCharacters(in: CharacterSet(charactersIn: "; ")))
            }
        }
        return plan
    }
}

/// The tables, unique indexes and foreign keys of the application's schemas, from the catalog.
struct CatalogSnapshot {
    struct Table {
        let hasOrgID: Bool
        let orgIDNotNull: Bool
    }

    struct UniqueIndex {
        let table: String
        let name: String
        let includesOrgID: Bool
    }

    struct ForeignKey {
        let name: String
        let table: String
        let referencedTable: String
        let joinsOrgIDToOrgID: Bool
    }

    var tables: [String: Table] = [:]
    var uniqueIndexes: [UniqueIndex] = []
    var foreignKeys: [ForeignKey] = []

    static let applicationTables = """
        SELECT c.oid, n.nspname || '.' || c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        """

    /// `body` over `t`, the application's tables (built as text: interpolating into `SQL` would bind it).
    static func over(_ body: String) -> SQL {
        SQL("WITH t AS (" + applicationTables + ")\n" + body)
    }

    static func read(_ connection: Connection) async throws -> CatalogSnapshot {
        var snapshot = CatalogSnapshot()
        let tables = try await connection.query(
            over(
                """
                SELECT t.name, a.attnum IS NOT NULL AS has_org, coalesce(a.attnotnull, false) AS not_null
                FROM t LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'org_id' AND NOT a.attisdropped
                """))
        for row in tables {
            let (name, hasOrgID, notNull) = try row.decode((String, Bool, Bool).self)
            snapshot.tables[name] = Table(hasOrgID: hasOrgID, orgIDNotNull: notNull)
        }
        // Primary keys and unique constraints are unique indexes too; so are unique expression indexes.
        let indexes = try await connection.query(
            over(
                """
                SELECT t.name, i.relname,
                       EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'org_id'
                                 AND a.attnum = ANY (x.indkey::int2[])) AS includes_org
                FROM t JOIN pg_index x ON x.indrelid = t.oid AND x.indisunique
                JOIN pg_class i ON i.oid = x.indexrelid
                """))
        for row in indexes {
            let (table, name, includes) = try row.decode((String, String, Bool).self)
            snapshot.uniqueIndexes.append(UniqueIndex(table: table, name: name, includesOrgID: includes))
        }
        // org_id on the referencing side must meet org_id on the referenced side, column for column.
        let keys = try await connection.query(
            over(
                """
                SELECT k.conname, src.name, dst.name,
                       coalesce((SELECT array_position(k.conkey, sa.attnum) = array_position(k.confkey, da.attnum)
                                 FROM pg_attribute sa, pg_attribute da
                                 WHERE sa.attrelid = k.conrelid AND sa.attname = 'org_id'
                                   AND da.attrelid = k.confrelid AND da.attname = 'org_id'), false) AS joins_org
                FROM pg_constraint k JOIN t src ON src.oid = k.conrelid JOIN t dst ON dst.oid = k.confrelid
                WHERE k.contype = 'f'
                """))
        for row in keys {
            let (name, table, referenced, joins) = try row.decode((String, String, String, Bool).self)
            snapshot.foreignKeys.append(
                ForeignKey(name: name, table: table, referencedTable: referenced, joinsOrgIDToOrgID: joins))
        }
        return snapshot
    }
}
