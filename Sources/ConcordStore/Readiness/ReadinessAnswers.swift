import ConcordDomain
import Foundation
import PQ

/// What a readiness check's link shows: the organisation, the leader, the check and every active question.
public struct ReadinessPage: Sendable, Equatable {
    public let organisationName: String
    public let leaderName: String
    public let checkID: UUID
    public let checkTitle: String
    public let group: LeaderGroup
    public let questions: [Question]
    /// Nil while the link can be used; otherwise why not.
    public let closed: NudgeAnswerError?

    public struct Question: Sendable, Equatable {
        public let id: UUID
        public let text: String
    }
}

extension Store {
    /// The readiness page behind a token; nil when the token's nudge is not a readiness check (the answer
    /// page then shows the initiative). Throws `NudgeAnswerError.unknownToken` for a token no nudge has.
    public func readinessPage(token: NudgeToken, now: Date = Date()) async throws -> ReadinessPage? {
        let (orgID, nudgeID) = try await resolveNudgeToken(token)
        let scope = TenantScope(orgID: orgID, actor: "nudge:\(nudgeID)")
        let head = StoreRead([
            """
            SELECT o.name AS org_name, l.name AS leader_name, c.id AS check_id, c.title, r.leader_group, n.state,
                   n.token_expires_at
            FROM nudges AS n
            JOIN organisations AS o ON o.org_id = n.org_id
            JOIN leaders AS l ON l.org_id = n.org_id AND l.id = n.leader_id
            JOIN readiness_checks AS c ON c.org_id = n.org_id AND c.id = n.readiness_check_id
            JOIN readiness_recipients AS r ON r.org_id = n.org_id AND r.nudge_id = n.id
            WHERE n.org_id = \(orgID)::uuid AND n.id = \(nudgeID)::uuid
            """
        ]) { results in
            try results[0].decodeAll { row in
                (
                    try row.decode("org_name", as: String.self), try row.decode("leader_name", as: String.self),
                    try row.decode("check_id", as: UUID.self), try row.decode("title", as: String.self),
                    try row.decodeEnum("leader_group", as: LeaderGroup.self),
                    try row.decode("state", as: String.self), try row.decode("token_expires_at", as: Date?.self)
                )
            }.first
        }
        let questions = Reads.readinessQuestions(includeRetired: false)
        let (found, active) = try await read(scope, StoreRead.zip(head, questions))
        guard let (organisation, leader, check, title, group, state, expires) = found else { return nil }
        var closed: NudgeAnswerError?
        do {
            try Self.checkAnswerable(state: state, expiresAt: expires, now: now)
        } catch let error as NudgeAnswerError {
            closed = error
        }
        return ReadinessPage(
            organisationName: organisation, leaderName: leader, checkID: check, checkTitle: title, group: group,
            questions: active.map { ReadinessPage.Question(id: $0.id, text: $0.text) }, closed: closed)
    }

    /// Records a leader's answers to a readiness check, once: every active question scored 1-5, the nudge
    /// marked answered in the same transaction, so a second use of the link is refused.
    public func answerReadiness(token: NudgeToken, scores: [UUID: Int], now: Date = Date()) async throws {
        guard scores.values.allSatisfy({ (1...5).contains($0) }) else {
            throw NudgeAnswerError.invalidAnswer("every answer must be between 1 and 5")
        }
        let (orgID, nudgeID) = try await resolveNudgeToken(token)
        let scope = TenantScope(orgID: orgID, actor: "nudge:\(nudgeID)")
        try await write(scope) { tx in
            // The row lock orders concurrent answers; the second finds the nudge answered.
            let rows = try await tx.transaction.query(
                """
                SELECT n.state, n.token_expires_at, n.readiness_check_id, n.leader_id
                FROM nudges AS n
                WHERE n.org_id = \(orgID)::uuid AND n.id = \(nudgeID)::uuid
                  AND n.token_hash = decode(\(token.hashHex), 'hex') AND n.readiness_check_id IS NOT NULL
                FOR UPDATE
                """)
            guard let row = rows.first else { throw NudgeAnswerError.unknownToken }
            let (state, expires, check, leader) = try row.decode((String, Date?, UUID, UUID).self)
            try Self.checkAnswerable(state: state, expiresAt: expires, now: now)
            let active = try await tx.run(Reads.readinessQuestions(includeRetired: false)).map(\.id)
            guard Set(scores.keys) == Set(active) else {
                throw NudgeAnswerError.invalidAnswer("answer every question of the questionnaire, and only those")
            }
            let ids = Array(scores.keys)
            try await tx.transaction.execute(
                """
                INSERT INTO readiness_answers (org_id, check_id, leader_id, question_id, score, answered_at)
                SELECT \(orgID)::uuid, \(check)::uuid, \(leader)::uuid, t.question_id, t.score, \(now)::timestamptz
                FROM unnest(\(ids)::uuid[], \(ids.map { scores[$0]! })::int2[]) AS t (question_id, score)
                """)
            try await tx.transaction.execute(
                """
                UPDATE readiness_recipients SET answered_at = \(now)::timestamptz
                WHERE org_id = \(orgID)::uuid AND check_id = \(check)::uuid AND leader_id = \(leader)::uuid
                """)
            try await tx.transaction.execute(
                """
                UPDATE nudges SET state = 'answered', answered_at = \(now)::timestamptz
                WHERE org_id = \(orgID)::uuid AND id = \(nudgeID)::uuid
                """)
        }
    }
}
