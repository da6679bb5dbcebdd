import Foundation
import PQ

/// A statement of the organisation's readiness questionnaire, answered on a 1 (strongly disagree) to 5
/// (strongly agree) scale. Retired questions are no longer asked; their past answers stay.
public struct ReadinessQuestion: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let position: Int
    public let text: String
    public let retiredAt: Date?
    public let version: Int

    static let columns = "q.id, q.position, q.text, q.retired_at, q.version"

    init(row: Row) throws {
        id = try row.decode("id")
        position = try row.decode("position")
        text = try row.decode("text")
        retiredAt = try row.decode("retired_at")
        version = try row.decode("version")
    }
}

/// What the API gives to add a question, or (as a merge patch) to edit one.
public struct ReadinessQuestionFields: Sendable, Codable, Hashable {
    public var text: String
    /// Where it goes; nil: after the last question.
    public var position: Int?

    public init(text: String, position: Int? = nil) {
        self.text = text
        self.position = position
    }

    public init(_ question: ReadinessQuestion) {
        self.init(text: question.text, position: question.position)
    }
}

/// The questionnaire's order: every active question's id, first to last.
public struct ReadinessQuestionOrder: Sendable, Codable, Hashable {
    public var questionIDs: [UUID]
}

extension Reads {
    /// The questionnaire in order; retired questions only when asked for.
    public static func readinessQuestions(includeRetired: Bool) -> StoreRead<[ReadinessQuestion]> {
        StoreRead(
            [
                """
                SELECT \(unescaped: ReadinessQuestion.columns) FROM readiness_questions AS q
                WHERE q.org_id = app.current_org() AND (\(includeRetired) OR q.retired_at IS NULL)
                ORDER BY q.retired_at IS NOT NULL, q.position, q.created_at, q.id
                """
            ]
        ) { results in try results[0].decodeAll(ReadinessQuestion.init(row:)) }
    }

    public static func readinessQuestion(_ id: UUID) -> StoreRead<ReadinessQuestion?> {
        StoreRead(
            [
                """
                SELECT \(unescaped: ReadinessQuestion.columns) FROM readiness_questions AS q
                WHERE q.org_id = app.current_org() AND q.id = \(id)::uuid
                """
            ]
        ) { results in try results[0].decodeAll(ReadinessQuestion.init(row:)).first }
    }
}

extension TenantTransaction {
    public func addReadinessQuestion(_ fields: ReadinessQuestionFields) async throws -> ReadinessQuestion {
        try await transaction.query(
            """
            INSERT INTO readiness_questions AS q (org_id, position, text)
            SELECT \(orgID)::uuid,
                   coalesce(\(fields.position)::int4,
                            (SELECT coalesce(max(position), 0) + 1 FROM readiness_questions
                             WHERE org_id = \(orgID)::uuid AND retired_at IS NULL)),
                   btrim(\(fields.text))
            RETURNING \(unescaped: ReadinessQuestion.columns)
            """
        ).decodeAll(ReadinessQuestion.init(row:))[0]
    }

    /// Edits a question's text or position. Its past answers stay with it: a reworded question is meant to
    /// ask the same thing (retire it and add another when it asks something else).
    public func updateReadinessQuestion(
        _ id: UUID, expectedVersion: Int, _ fields: ReadinessQuestionFields
    ) async throws -> ReadinessQuestion {
        try await updateVersioned(
            """
            UPDATE readiness_questions AS q
            SET text = btrim(\(fields.text)), position = coalesce(\(fields.position)::int4, q.position),
                version = q.version + 1
            WHERE q.org_id = \(orgID)::uuid AND q.id = \(id)::uuid AND q.version = \(expectedVersion)::int4
            RETURNING \(unescaped: ReadinessQuestion.columns)
            """, table: "readiness_questions", entity: "readiness question", id: id,
            decode: ReadinessQuestion.init(row:))
    }

    /// Retires a question: no longer asked, its answers kept and still shown in past results.
    public func retireReadinessQuestion(_ id: UUID, expectedVersion: Int) async throws -> ReadinessQuestion {
        try await updateVersioned(
            """
            UPDATE readiness_questions AS q
            SET retired_at = coalesce(q.retired_at, now()), version = q.version + 1
            WHERE q.org_id = \(orgID)::uuid AND q.id = \(id)::uuid AND q.version = \(expectedVersion)::int4
            RETURNING \(unescaped: ReadinessQuestion.columns)
            """, table: "readiness_questions", entity: "readiness question", id: id,
            decode: ReadinessQuestion.init(row:))
    }

    /// Puts the active questions in the given order (positions 1, 2, ...). The list must name each active
    /// question once, so no question is silently left out of place.
    public func reorderReadinessQuestions(_ ids: [UUID]) async throws -> [ReadinessQuestion] {
        let active = try await transaction.query(
            """
            SELECT id FROM readiness_questions
            WHERE org_id = \(orgID)::uuid AND retired_at IS NULL
            FOR UPDATE
            """
        ).map { try $0.decode(0, as: UUID.self) }
        guard Set(ids) == Set(active), ids.count == active.count else {
            throw StoreError.invalid(
                constraint: "question_ids",
                message: "question_ids must name every active question of the questionnaire once")
        }
        try await transaction.execute(
            """
            UPDATE readiness_questions AS q
            SET position = o.position, version = q.version + 1
            FROM unnest(\(ids)::uuid[]) WITH ORDINALITY AS o (id, position)
            WHERE q.org_id = \(orgID)::uuid AND q.id = o.id AND q.position <> o.position
            """)
        return try await run(Reads.readinessQuestions(includeRetired: false))
    }
}
