import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    /// Creates the initiative and its supporting areas in one round trip; if any part is refused, nothing is
    /// written (the transaction rolls back).
    public func createInitiative(_ new: NewInitiative) async throws -> Initiative {
        let id = UUID()
        let insert: SQL = """
            INSERT INTO initiatives AS i
              (org_id, id, title, description, lead_area_id, sponsor_leader_id, importance, stage, health,
               start_date, target_date, revisit_cadence_days, quiet_after_days, alignment_gate)
            VALUES (\(orgID)::uuid, \(id)::uuid, \(new.title), \(new.description), \(new.leadAreaID)::uuid,
                    \(new.sponsorLeaderID)::uuid, \(new.importance)::int4, \(raw: new.stage), \(raw: new.health),
                    \(date: new.startDate), \(date: new.targetDate), \(new.revisitCadenceDays)::int4,
                    \(new.quietAfterDays)::int4, \(new.alignmentGate)::numeric)
            RETURNING \(unescaped: Initiative.columns)
            """
        var statements = [insert]
        if !new.supportingAreas.isEmpty {
            statements.append(insertSupportingAreas(id, new.supportingAreas))
        }
        let results = try await transaction.pipeline(statements)
        return try Initiative(row: results[0][0])
    }

    /// Replaces the editable fields if the initiative is still at `expectedVersion` (If-Match).
    public func updateInitiative(
        _ id: UUID, expectedVersion: Int, _ changes: InitiativeChanges
    ) async throws -> Initiative {
        try await updateInitiative(
            id, expectedVersion: expectedVersion,
            set: """
                title = \(changes.title), description = \(changes.description),
                lead_area_id = \(changes.leadAreaID)::uuid, sponsor_leader_id = \(changes.sponsorLeaderID)::uuid,
                importance = \(changes.importance)::int4, start_date = \(date: changes.startDate),
                target_date = \(date: changes.targetDate),
                revisit_cadence_days = \(changes.revisitCadenceDays)::int4,
                quiet_after_days = \(changes.quietAfterDays)::int4,
                alignment_gate = \(changes.alignmentGate)::numeric, last_activity_at = now()
                """)
    }

    /// Moves the initiative to `stage` without looking at the alignment gate (`changeStage` looks first); the
    /// database stamps `stage_changed_at`, and it counts as activity.
    func moveStage(_ id: UUID, to stage: Stage, expectedVersion: Int) async throws -> Initiative {
        try await updateInitiative(
            id, expectedVersion: expectedVersion, set: "stage = \(raw: stage), last_activity_at = now()")
    }

    /// Sets the sponsor's view of how it is going; counts as activity.
    public func changeHealth(_ id: UUID, to health: Health, expectedVersion: Int) async throws -> Initiative {
        try await updateInitiative(
            id, expectedVersion: expectedVersion, set: "health = \(raw: health), last_activity_at = now()")
    }

    /// Archives the initiative: it leaves lists and nudges but keeps its history.
    public func archiveInitiative(_ id: UUID, expectedVersion: Int) async throws -> Initiative {
        try await updateInitiative(
            id, expectedVersion: expectedVersion, set: "archived_at = coalesce(archived_at, now())")
    }

    /// Records real activity on the initiative (a quiet initiative is nudged sooner), without a version check.
    public func recordActivity(on id: UUID) async throws {
        let changed = try await transaction.execute(
            """
            UPDATE initiatives SET last_activity_at = greatest(last_activity_at, now())
            WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid
            """)
        if changed == 0 { throw StoreError.notFound(entity: "initiative", id: id.uuidString) }
    }

    /// Makes `areas` the supporting areas, if the initiative is still at `expectedVersion`: areas not listed
    /// are removed, the others added or changed in place. Bumps the initiative's version.
    public func replaceSupportingAreas(
        of id: UUID, with areas: [SupportingArea], expectedVersion: Int
    ) async throws -> Initiative {
        let initiative = try await updateInitiative(
            id, expectedVersion: expectedVersion, set: "last_activity_at = now()")
        var statements: [SQL] = [
            """
            DELETE FROM initiative_supporting_areas
            WHERE org_id = \(orgID)::uuid AND initiative_id = \(id)::uuid
              AND area_id <> ALL (\(areas.map(\.areaID))::uuid[])
            """
        ]
        if !areas.isEmpty {
            var upsert = insertSupportingAreas(id, areas)
            upsert.append(
                """
                 ON CONFLICT (org_id, initiative_id, area_id) DO UPDATE
                SET support = excluded.support, accountable_leader_id = excluded.accountable_leader_id,
                    version = s.version + 1
                WHERE (s.support, s.accountable_leader_id)
                      IS DISTINCT FROM (excluded.support, excluded.accountable_leader_id)
                """)
            statements.append(upsert)
        }
        _ = try await transaction.pipeline(statements)
        return initiative
    }

    private func insertSupportingAreas(_ initiativeID: UUID, _ areas: [SupportingArea]) -> SQL {
        """
        INSERT INTO initiative_supporting_areas AS s
          (org_id, initiative_id, area_id, support, accountable_leader_id)
        SELECT \(orgID)::uuid, \(initiativeID)::uuid, u.area_id, u.support, u.accountable_leader_id
        FROM unnest(\(areas.map(\.areaID))::uuid[], \(areas.map(\.support))::text[],
                    \(areas.map(\.accountableLeaderID))::uuid[])
             WITH ORDINALITY AS u (area_id, support, accountable_leader_id, position)
        ORDER BY u.position
        """
    }

    private func updateInitiative(_ id: UUID, expectedVersion: Int, set assignments: SQL) async throws -> Initiative {
        var statement: SQL = "UPDATE initiatives AS i SET "
        statement.append(assignments)
        statement.append(
            """
            , version = i.version + 1
            WHERE i.org_id = \(orgID)::uuid AND i.id = \(id)::uuid AND i.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Initiative.columns)
            """)
        return try await updateVersioned(
            statement, table: "initiatives", entity: "initiative", id: id, decode: Initiative.init(row:))
    }
}
