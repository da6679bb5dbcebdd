import ConcordStore
import ConcordTestSupport
import Foundation
import PQ

/// A migrated database with one organisation, written as the owner, and a store as the worker role.
struct NudgeFixture {
    let database: Database
    let owner: ConnectionPool
    let worker: ConnectionPool
    let orgID: UUID

    var store: Store { Store(pool: worker) }

    /// Gives the connections back (the test cluster's slots are shared by every test of the run).
    func close() async {
        await owner.close()
        await worker.close()
    }
    var scope: TenantScope { TenantScope(orgID: orgID, actor: "test:worker") }

    static func make(timezone: String = "Europe/Berlin", cap: Int = 5) async throws -> NudgeFixture {
        let database = try await TestDatabase.shared.create()
        let owner = database.pool()
        let orgID = UUID()
        let slug = "org-" + String(orgID.uuidString.prefix(8)).lowercased()
        _ = try await owner.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO organisations (org_id, name, slug, timezone, nudge_weekly_cap, revisit_cadence_days,
                                           quiet_after_days, quiet_hours_start, quiet_hours_end, working_days)
                VALUES (\(orgID)::uuid, 'Nudge test', \(slug), \(timezone), \(cap), 30, 14, '18:00', '08:00',
                        '{1,2,3,4,5}')
                """)
        }
        return NudgeFixture(
            database: database, owner: owner, worker: database.pool(user: "concord_worker"), orgID: orgID)
    }

    func execute(_ statement: SQL) async throws {
        try await owner.withConnection { _ = try await $0.execute(statement) }
    }

    func query(_ statement: SQL) async throws -> QueryResult {
        try await owner.withConnection { try await $0.query(statement) }
    }

    /// A leader heading a new area; returns (leader, area).
    func areaWithHead(
        _ name: String, timezone: String? = nil, channels: String = "{}", email: String? = nil
    ) async throws -> (leader: UUID, area: UUID) {
        let area = UUID()
        let leader = UUID()
        let address = email ?? "\(name.lowercased())-\(leader.uuidString.prefix(6))@example.com"
        try await execute(
            "INSERT INTO areas (org_id, id, name) VALUES (\(orgID)::uuid, \(area)::uuid, \(name))")
        try await execute(
            """
            INSERT INTO leaders (org_id, id, area_id, name, email, timezone, channels)
            VALUES (\(orgID)::uuid, \(leader)::uuid, \(area)::uuid, \(name + " head"), \(address), \(timezone),
                    \(channels)::jsonb)
            """)
        try await execute(
            "UPDATE areas SET head_leader_id = \(leader)::uuid WHERE org_id = \(orgID)::uuid AND id = \(area)::uuid")
        return (leader, area)
    }

    /// An initiative created `ageDays` before `now`, last active `quietDays` before `now`, stage unchanged
    /// since creation.
    func initiative(
        _ title: String, lead: UUID, supporting: [UUID] = [], sponsor: UUID? = nil, importance: Int = 4,
        stage: String = "developing", quietAfterDays: Int? = nil, createdAt: Date, lastActivityAt: Date
    ) async throws -> UUID {
        let id = UUID()
        try await execute(
            """
            INSERT INTO initiatives (org_id, id, title, lead_area_id, sponsor_leader_id, importance, stage,
                                     quiet_after_days, created_at, stage_changed_at, last_activity_at)
            VALUES (\(orgID)::uuid, \(id)::uuid, \(title), \(lead)::uuid, \(sponsor)::uuid, \(importance), \(stage),
                    \(quietAfterDays), \(createdAt)::timestamptz, \(createdAt)::timestamptz,
                    \(lastActivityAt)::timestamptz)
            """)
        for area in supporting {
            try await execute(
                """
                INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
                VALUES (\(orgID)::uuid, \(id)::uuid, \(area)::uuid, 'communicate')
                """)
        }
        return id
    }

    func rate(
        _ initiative: UUID, by leader: UUID, priority: Int, at: Date, resistance: String? = nil
    ) async throws {
        try await execute(
            """
            INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, resistance_note,
                                           source, rated_at)
            VALUES (\(orgID)::uuid, \(initiative)::uuid, \(leader)::uuid, \(priority), 'committed', \(resistance),
                    'workshop', \(at)::timestamptz)
            """)
    }

    func plan(now: Date) async throws -> NudgePlanSummary {
        try await store.write(scope) { try await $0.planNudges(now: now) }
    }

    /// (initiative, leader, reason, period) of every nudge, sorted.
    func nudges() async throws -> [PlannedRow] {
        try await query(
            """
            SELECT initiative_id, leader_id, reason, period_key, state FROM nudges
            WHERE org_id = \(orgID)::uuid ORDER BY reason, initiative_id, leader_id
            """
        ).map {
            let (initiative, leader, reason, period, state) = try $0.decode((UUID, UUID, String, String, String).self)
            return PlannedRow(initiative: initiative, leader: leader, reason: reason, period: period, state: state)
        }
    }
}

struct PlannedRow: Hashable {
    let initiative: UUID
    let leader: UUID
    let reason: String
    let period: String
    let state: String
}

func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
    return date
}

extension Date {
    func days(_ count: Double) -> Date { addingTimeInterval(count * 86_400) }
}
