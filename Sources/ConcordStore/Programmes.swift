import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    public func createProgramme(_ fields: ProgrammeFields) async throws -> Programme {
        let result = try await transaction.query(
            """
            INSERT INTO ld_programmes AS p
              (org_id, title, objectives, initiative_id, goal_node_id, start_date, end_date, benefit_horizon_months)
            VALUES (\(orgID)::uuid, \(fields.title), \(fields.objectives), \(fields.initiativeID)::uuid,
                    \(fields.goalNodeID)::uuid, \(date: fields.startDate), \(date: fields.endDate),
                    \(fields.benefitHorizonMonths)::int4)
            RETURNING \(unescaped: Programme.columns)
            """)
        return try Programme(row: result[0])
    }

    /// Replaces the editable fields if the programme is still at `expectedVersion` (If-Match). A new benefit
    /// horizon marks the figures for recomputation (a trigger bumps `inputsVersion`).
    public func updateProgramme(_ id: UUID, expectedVersion: Int, _ fields: ProgrammeFields) async throws
        -> Programme
    {
        try await updateProgramme(
            id, expectedVersion: expectedVersion,
            set: """
                title = \(fields.title), objectives = \(fields.objectives),
                initiative_id = \(fields.initiativeID)::uuid, goal_node_id = \(fields.goalNodeID)::uuid,
                start_date = \(date: fields.startDate), end_date = \(date: fields.endDate),
                benefit_horizon_months = \(fields.benefitHorizonMonths)::int4
                """)
    }

    /// Archives the programme: it leaves lists and recomputation but keeps its data and history.
    public func archiveProgramme(_ id: UUID, expectedVersion: Int) async throws -> Programme {
        try await updateProgramme(
            id, expectedVersion: expectedVersion, set: "archived_at = coalesce(archived_at, now())")
    }

    public func addCost(to programmeID: UUID, _ fields: CostFields) async throws -> ProgrammeCost {
        try await requireRow(table: "ld_programmes", entity: "programme", id: programmeID)
        let result = try await transaction.query(
            """
            INSERT INTO ld_costs AS c
              (org_id, programme_id, category, description, amount, months_used, amortisation_months)
            VALUES (\(orgID)::uuid, \(programmeID)::uuid, \(raw: fields.category), \(fields.description),
                    \(fields.amount)::numeric, \(fields.monthsUsed)::numeric, \(fields.amortisationMonths)::numeric)
            RETURNING \(unescaped: ProgrammeCost.columns)
            """)
        return try ProgrammeCost(row: result[0])
    }

    public func addParticipant(to programmeID: UUID, _ fields: ParticipantFields) async throws -> Participant {
        try await requireRow(table: "ld_programmes", entity: "programme", id: programmeID)
        let result = try await transaction.query(
            """
            INSERT INTO ld_participants AS t
              (org_id, programme_id, leader_id, person_name, completed, reaction, learning, application)
            VALUES (\(orgID)::uuid, \(programmeID)::uuid, \(fields.leaderID)::uuid, \(fields.personName),
                    \(fields.completed)::bool, \(fields.reaction)::numeric, \(fields.learning)::numeric,
                    \(fields.application)::numeric)
            RETURNING \(unescaped: Participant.columns)
            """)
        return try Participant(row: result[0])
    }

    public func addMeasure(to programmeID: UUID, _ fields: MeasureFields) async throws -> ProgrammeMeasure {
        try await requireRow(table: "ld_programmes", entity: "programme", id: programmeID)
        let result = try await transaction.query(
            """
            INSERT INTO ld_impact_measures AS m
              (org_id, programme_id, name, unit, baseline, after, unit_value, direction, period, attribution,
               isolation_method, confidence)
            VALUES (\(orgID)::uuid, \(programmeID)::uuid, \(fields.name), \(fields.unit),
                    \(fields.baseline)::numeric, \(fields.after)::numeric, \(fields.unitValue)::numeric,
                    \(raw: fields.direction), \(raw: fields.period), \(fields.attribution)::numeric,
                    \(raw: fields.isolationMethod), \(fields.confidence)::numeric)
            RETURNING \(unescaped: ProgrammeMeasure.columns)
            """)
        return try ProgrammeMeasure(row: result[0])
    }

    public func addIntangible(to programmeID: UUID, _ fields: IntangibleFields) async throws -> Intangible {
        try await requireRow(table: "ld_programmes", entity: "programme", id: programmeID)
        let result = try await transaction.query(
            """
            INSERT INTO ld_intangibles AS n (org_id, programme_id, description)
            VALUES (\(orgID)::uuid, \(programmeID)::uuid, \(fields.description))
            RETURNING \(unescaped: Intangible.columns)
            """)
        return try Intangible(row: result[0])
    }

    /// Removes one cost, participant, measure or intangible of the programme; `notFound` when the programme
    /// has no such item.
    public func removeProgrammeItem(_ kind: ProgrammeItemKind, id: UUID, of programmeID: UUID) async throws {
        let removed = try await transaction.execute(
            """
            DELETE FROM \(unescaped: kind.table)
            WHERE org_id = \(orgID)::uuid AND programme_id = \(programmeID)::uuid AND id = \(id)::uuid
            """)
        if removed == 0 { throw StoreError.notFound(entity: kind.entity, id: id.uuidString) }
    }

    /// Inserts a snapshot for every programme of this organisation whose inputs changed since its last
    /// one (or for every programme when `recomputeAll`), in one set-based statement
    /// (`app.ld_compute_roi`); returns how many. Runs as the worker's role.
    @discardableResult
    public func computeROI(recomputeAll: Bool = false) async throws -> Int {
        // One computation per organisation at a time, so two workers never snapshot the same inputs twice.
        let results = try await transaction.pipeline([
            "SELECT pg_advisory_xact_lock(hashtextextended('concord.ld_roi:' || \(orgID)::text, 0))",
            "SELECT app.ld_compute_roi(\(orgID)::uuid, \(recomputeAll)::bool) AS inserted",
        ])
        return try results[1][0].decode("inserted", as: Int.self)
    }

    private func updateProgramme(_ id: UUID, expectedVersion: Int, set assignments: SQL) async throws -> Programme {
        var statement: SQL = "UPDATE ld_programmes AS p SET "
        statement.append(assignments)
        statement.append(
            """
            , version = p.version + 1
            WHERE p.org_id = \(orgID)::uuid AND p.id = \(id)::uuid AND p.version = \(expectedVersion)::int4
            RETURNING \(unescaped: Programme.columns)
            """)
        return try await updateVersioned(
            statement, table: "ld_programmes", entity: "programme", id: id, decode: Programme.init(row:))
    }
}

/// The lists that hang off a programme.
public enum ProgrammeItemKind: String, Sendable, CaseIterable {
    case cost, participant, measure, intangible

    var table: String {
        switch self {
        case .cost: "ld_costs"
        case .participant: "ld_participants"
        case .measure: "ld_impact_measures"
        case .intangible: "ld_intangibles"
        }
    }

    var entity: String { rawValue }
}
