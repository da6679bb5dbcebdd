import ConcordDomain
import ConcordStore
import ConcordTestSupport
import Foundation
import PQ
import Testing

/// The backup the README documents (`pg_dump -Fc` of the database, `pg_restore` into an empty one) brings
/// back the rows, the migration ledger and the tenant walls.
@Suite struct BackupRestoreTests {
    @Test func aDumpRestoresWithRowsLedgerAndRowLevelSecurity() async throws {
        guard let cluster = try await TestDatabase.shared.localCluster() else { return }
        let fixture = try await StoreFixture.make()
        let other = try await fixture.otherOrganisation()
        let (area, _) = try await fixture.areaWithHead("IT", head: "Ida")
        let initiative = try await fixture.initiative("ERP", lead: area.id, importance: 4)

        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("concord-\(UUID()).dump")
        defer { try? FileManager.default.removeItem(at: dump) }
        try await Command.check(cluster.binary("pg_dump"), ["-Fc", "-f", dump.path, "-d", fixture.database.conninfo])

        let restored = try await TestDatabase.shared.create(migrated: false)
        try await Command.check(
            cluster.binary("pg_restore"), ["--exit-on-error", "-d", restored.conninfo, dump.path])

        let store = Store(pool: restored.pool(user: "concord_api"))
        let back = try await store.read(fixture.scope, Reads.initiative(initiative.id))
        #expect(back == initiative)
        // The wall still stands: the other organisation cannot see it.
        #expect(try await store.read(other.scope, Reads.initiative(initiative.id)) == nil)
        let applied = try await Connection.connect(restored.conninfo).query(
            "SELECT count(*) FROM concord_migrations")[0].decode(0, as: Int.self)
        let files = try FileManager.default.contentsOfDirectory(
            atPath: TestDatabase.sqlDirectory.appendingPathComponent("migrations").path
        ).filter { $0.hasSuffix(".sql") }
        #expect(applied == files.count)
    }
}
