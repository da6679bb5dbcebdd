import ConcordDomain
import Foundation
import PQ

/// What the API gives to send a readiness check: the leaders to ask, named one by one, by group, or both.
public struct NewReadinessCheck: Sendable, Codable, Hashable {
    public var title: String
    public var leaderIDs: [UUID]?
    /// Every active leader of these groups; `area` means the heads of areas.
    public var groups: [LeaderGroup]?

    public init(title: String, leaderIDs: [UUID]? = nil, groups: [LeaderGroup]? = nil) {
        self.title = title
        self.leaderIDs = leaderIDs
        self.groups = groups
    }
}

/// A readiness check as sent: who was asked, and how many answered.
public struct ReadinessCheckSummary: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let title: String
    public let createdAt: Date
    public let recipients: Int
    public let answered: Int

    static let columns = """
        c.id, c.title, c.created_at,
        (SELECT count(*)::int FROM readiness_recipients AS r WHERE r.org_id = c.org_id AND r.check_id = c.id)
          AS recipients,
        (SELECT count(*)::int FROM readiness_recipients AS r
         WHERE r.org_id = c.org_id AND r.check_id = c.id AND r.answered_at IS NOT NULL) AS answered
        """

    init(row: Row) throws {
        id = try row.decode("id")
        title = try row.decode("title")
        createdAt = try row.decode("created_at")
        recipients = try row.decode("recipients")
        answered = try row.decode("answered")
    }
}

/// A check's answers: per question and group, the questions where the groups disagree most first, and who has
/// not answered yet.
public struct ReadinessResults: Sendable, Codable, Hashable {
    public let check: ReadinessCheckSummary
    public let questions: [Question]
    public let notAnswered: [Recipient]

    public struct Question: Sendable, Codable, Hashable {
        public let questionID: UUID
        public let position: Int
        public let text: String
        public let retired: Bool
        public let count: Int
        @OptionalDecimalString public var mean: Decimal?
        /// The highest group mean less the lowest, over the groups that answered; null with fewer than two.
        @OptionalDecimalString public var spread: Decimal?
        /// Executive, HR and area leaders, always all three (count 0 and mean null when none answered).
        public let groups: [Group]
    }

    public struct Group: Sendable, Codable, Hashable {
        public let group: LeaderGroup
        public let count: Int
        @OptionalDecimalString public var mean: Decimal?
    }

    public struct Recipient: Sendable, Codable, Hashable {
        public let leaderID: UUID
        public let name: String
        public let group: LeaderGroup
        /// Where the link stands: planned (not sent yet: guard rails, snooze), sending, sent, failed, skipped
        /// (opted out, no channel) or expired.
        public let delivery: String
    }
}

extension Reads {
    /// The organisation's checks, newest first.
    public static func readinessChecks() -> StoreRead<[ReadinessCheckSummary]> {
        StoreRead(
            [
                """
                SELECT \(unescaped: ReadinessCheckSummary.columns) FROM readiness_checks AS c
                WHERE c.org_id = app.current_org() ORDER BY c.created_at DESC, c.id
                """
            ]
        ) { results in try results[0].decodeAll(ReadinessCheckSummary.init(row:)) }
    }

    /// The check's results; nil when the organisation has no such check. Questions are those answered in the
    /// check and those still active (asked of whoever opens the link now).
    public static func readinessResults(_ id: UUID) -> StoreRead<ReadinessResults?> {
        StoreRead(
            [
                """
                SELECT \(unescaped: ReadinessCheckSummary.columns) FROM readiness_checks AS c
                WHERE c.org_id = app.current_org() AND c.id = \(id)::uuid
                """,
                """
                SELECT q.id, q.position, q.text, q.retired_at IS NOT NULL AS retired, g.leader_group,
                       count(a.score)::int AS answers, round(avg(a.score), 2) AS mean
                FROM readiness_questions AS q
                CROSS JOIN (VALUES ('executive', 1), ('hr', 2), ('area', 3)) AS g (leader_group, ord)
                LEFT JOIN readiness_recipients AS r
                  ON r.org_id = q.org_id AND r.check_id = \(id)::uuid AND r.leader_group = g.leader_group
                LEFT JOIN readiness_answers AS a
                  ON a.org_id = r.org_id AND a.check_id = r.check_id AND a.leader_id = r.leader_id
                 AND a.question_id = q.id
                WHERE q.org_id = app.current_org()
                  AND (q.retired_at IS NULL
                       OR EXISTS (SELECT 1 FROM readiness_answers AS x
                                  WHERE x.org_id = q.org_id AND x.check_id = \(id)::uuid AND x.question_id = q.id))
                GROUP BY q.id, q.position, q.created_at, q.text, q.retired_at, g.leader_group, g.ord
                ORDER BY q.position, q.created_at, q.id, g.ord
                """,
                """
                SELECT r.leader_id, l.name, r.leader_group, n.state
                FROM readiness_recipients AS r
                JOIN leaders AS l ON l.org_id = r.org_id AND l.id = r.leader_id
                JOIN nudges AS n ON n.org_id = r.org_id AND n.id = r.nudge_id
                WHERE r.org_id = app.current_org() AND r.check_id = \(id)::uuid AND r.answered_at IS NULL
                ORDER BY l.name, r.leader_id
                """,
                """
                SELECT q.id, count(a.score)::int AS answers, round(avg(a.score), 2) AS mean
                FROM readiness_questions AS q
                JOIN readiness_answers AS a
                  ON a.org_id = q.org_id AND a.check_id = \(id)::uuid AND a.question_id = q.id
                WHERE q.org_id = app.current_org()
                GROUP BY q.id
                """,
            ]
        ) { results in
            guard let check = try results[0].decodeAll(ReadinessCheckSummary.init(row:)).first else { return nil }
            var overall: [UUID: (Int, Decimal?)] = [:]
            for row in results[3] {
                overall[try row.decode("id")] = (try row.decode("answers"), try row.decode("mean"))
            }
            var questions: [ReadinessResults.Question] = []
            var current: (id: UUID, position: Int, text: String, retired: Bool, groups: [ReadinessResults.Group])?
            func finish() {
                guard let done = current else { return }
                let (count, mean) = overall[done.id] ?? (0, nil)
                questions.append(
                    ReadinessResults.Question(
                        questionID: done.id, position: done.position, text: done.text, retired: done.retired,
                        count: count, mean: mean, spread: ReadinessSpread.spread(done.groups.compactMap(\.mean)),
                        groups: done.groups))
            }
            for row in results[1] {
                let questionID: UUID = try row.decode("id")
                if current?.id != questionID {
                    finish()
                    current = (
                        questionID, try row.decode("position"), try row.decode("text"), try row.decode("retired"), []
                    )
                }
                current?.groups.append(
                    ReadinessResults.Group(
                        group: try row.decodeEnum("leader_group"), count: try row.decode("answers"),
                        mean: try row.decode("mean")))
            }
            finish()
            let notAnswered = try results[2].decodeAll { row in
                ReadinessResults.Recipient(
                    leaderID: try row.decode("leader_id"), name: try row.decode("name"),
                    group: try row.decodeEnum("leader_group"), delivery: try row.decode("state"))
            }
            return ReadinessResults(
                check: check, questions: ReadinessSpread.mostDisagreedFirst(questions) { $0.spread },
                notAnswered: notAnswered)
        }
    }
}

extension TenantTransaction {
    /// Sends a readiness check: the check, and for each leader asked a readiness nudge due now with the group
    /// they answer for, fixed at sending. The worker delivers the nudges like any other (guard rails, channel,
    /// one-time link). Leaders named by id must exist and not be archived.
    public func sendReadinessCheck(_ new: NewReadinessCheck, now: Date) async throws -> ReadinessCheckSummary {
        let named = Array(Set(new.leaderIDs ?? []))
        let groups = Set(new.groups ?? [])
        if named.isEmpty && groups.isEmpty {
            throw StoreError.invalid(constraint: "leader_ids", message: "name the leaders to ask, or their groups")
        }
        let candidates = try await transaction.query(
            """
            SELECT l.id, l.is_executive, l.is_hr, l.id = ANY(\(named)::uuid[]) AS named,
                   EXISTS (SELECT 1 FROM areas AS a
                           WHERE a.org_id = l.org_id AND a.head_leader_id = l.id AND a.archived_at IS NULL)
                     AS heads_area
            FROM leaders AS l
            WHERE l.org_id = \(orgID)::uuid AND l.archived_at IS NULL
              AND (l.id = ANY(\(named)::uuid[]) OR l.is_executive OR l.is_hr
                   OR EXISTS (SELECT 1 FROM areas AS a WHERE a.org_id = l.org_id AND a.head_leader_id = l.id))
            """
        ).map { row in
            let (id, executive, hr, isNamed, headsArea) = try row.decode((UUID, Bool, Bool, Bool, Bool).self)
            return (id: id, group: LeaderGroup(isExecutive: executive, isHR: hr), named: isNamed, headsArea: headsArea)
        }
        let found = Set(candidates.filter { $0.named }.map { $0.id })
        if let missing = named.first(where: { !found.contains($0) }) {
            throw StoreError.invalid(
                constraint: "leader_ids", message: "leader \(missing.uuidString.lowercased()) does not exist")
        }
        let asked = candidates.filter { candidate in
            candidate.named
                || (groups.contains(candidate.group) && (candidate.group != .area || candidate.headsArea))
        }
        guard !asked.isEmpty else {
            throw StoreError.invalid(constraint: "groups", message: "no active leader is in the groups named")
        }
        let questions = try await transaction.query(
            "SELECT 1 FROM readiness_questions WHERE org_id = \(orgID)::uuid AND retired_at IS NULL LIMIT 1")
        if questions.isEmpty {
            throw StoreError.invalid(
                constraint: "readiness_questions", message: "the questionnaire has no active question to ask")
        }
        let rows = try await transaction.query(
            """
            WITH c AS (
              INSERT INTO readiness_checks (org_id, title) VALUES (\(orgID)::uuid, btrim(\(new.title)))
              RETURNING id
            ),
            asked AS (
              SELECT * FROM unnest(\(asked.map { $0.id })::uuid[], \(asked.map { $0.group.rawValue })::text[])
                AS t (leader_id, leader_group)
            ),
            n AS (
              INSERT INTO nudges (org_id, readiness_check_id, leader_id, reason, period_key, due_at)
              SELECT \(orgID)::uuid, c.id, asked.leader_id, 'readiness',
                     to_char(\(now)::timestamptz AT TIME ZONE o.timezone, 'IYYY-"W"IW'), \(now)::timestamptz
              FROM c CROSS JOIN asked JOIN organisations AS o ON o.org_id = \(orgID)::uuid
              RETURNING id, readiness_check_id, leader_id
            )
            INSERT INTO readiness_recipients (org_id, check_id, leader_id, leader_group, nudge_id)
            SELECT \(orgID)::uuid, n.readiness_check_id, n.leader_id, asked.leader_group, n.id
            FROM n JOIN asked USING (leader_id)
            RETURNING check_id
            """)
        let id = try rows[0].decode(0, as: UUID.self)
        return try await run(
            StoreRead(
                [
                    """
                    SELECT \(unescaped: ReadinessCheckSummary.columns) FROM readiness_checks AS c
                    WHERE c.org_id = \(orgID)::uuid AND c.id = \(id)::uuid
                    """
                ]
            ) { results in try results[0].decodeAll(ReadinessCheckSummary.init(row:))[0] })
    }
}
