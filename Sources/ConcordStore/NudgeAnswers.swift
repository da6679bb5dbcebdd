import ConcordDomain
import Crypto
import Foundation
import PQ

/// The one-time token of a nudge's answer link: 32 random bytes, base64url. Only its SHA-256 is stored.
public struct NudgeToken: Sendable, Hashable {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// How long a link stays valid by default.
    public static let lifetime: TimeInterval = 14 * 86_400

    public static func generate() -> NudgeToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return NudgeToken(
            Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: ""))
    }

    /// Hex SHA-256, as `nudges.token_hash` and `auth.nudge_tokens` hold it (bytea).
    public var hashHex: String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A leader's answer on the nudge page.
public struct NudgeAnswer: Sendable, Hashable {
    /// 1 (low) to 5 (top).
    public var priority: Int
    public var buyIn: BuyIn?
    /// Stored as the rating's resistance note.
    public var concern: String?

    public init(priority: Int, buyIn: BuyIn? = nil, concern: String? = nil) {
        self.priority = priority
        self.buyIn = buyIn
        self.concern = concern
    }
}

/// What was recorded for an accepted answer.
public struct NudgeAnswerReceipt: Sendable, Hashable {
    public let orgID: UUID
    public let nudgeID: UUID
    public let initiativeID: UUID
    public let leaderID: UUID
    public let ratingID: UUID
}

/// What the answer page shows before the leader answers.
public struct NudgePrompt: Sendable, Hashable {
    public let orgID: UUID
    public let nudgeID: UUID
    public let initiativeTitle: String
    public let importance: Int
    public let leaderName: String
}

/// Why a token was refused; the page can say which without revealing anything else.
public enum NudgeAnswerError: Error, Sendable, Equatable {
    /// No nudge has this token (or it was never sent).
    case unknownToken
    /// Answered already: a link works once.
    case alreadyAnswered
    /// Past its expiry, or the nudge was withdrawn.
    case expired
    /// Priority outside 1...5 or an empty concern.
    case invalidAnswer(String)
}

extension Store {
    /// The nudge behind a token, for the answer page; throws `NudgeAnswerError` when it cannot be answered.
    public func nudgePrompt(token: NudgeToken, now: Date = Date()) async throws -> NudgePrompt {
        let (orgID, nudgeID) = try await resolveNudgeToken(token)
        let scope = TenantScope(orgID: orgID, actor: "nudge:\(nudgeID)")
        let rows = try await read(
            scope,
            StoreRead(
                [
                    """
                    SELECT n.state, n.token_expires_at, i.title, i.importance, l.name
                    FROM nudges AS n
                    JOIN initiatives AS i ON i.org_id = n.org_id AND i.id = n.initiative_id
                    JOIN leaders AS l ON l.org_id = n.org_id AND l.id = n.leader_id
                    WHERE n.org_id = \(orgID)::uuid AND n.id = \(nudgeID)::uuid
                    """
                ]
            ) { results in
                try results[0].map { try $0.decode((String, Date?, String, Int, String).self) }
            })
        guard let first = rows.first else { throw NudgeAnswerError.unknownToken }
        let (state, expires, title, importance, leader) = first
        try Self.checkAnswerable(state: state, expiresAt: expires, now: now)
        return NudgePrompt(
            orgID: orgID, nudgeID: nudgeID, initiativeTitle: title, importance: importance, leaderName: leader)
    }

    /// Records the answer as a fresh alignment rating (source `nudge`) in the nudge's organisation and marks
    /// the nudge answered, in one transaction: a second use of the token is refused.
    ///
    /// `nudge` names another nudge of the same digest: a digest's links went to the leader in one message,
    /// so any of them opens the whole digest, and each of its nudges is still answered once.
    public func answerNudge(token: NudgeToken, nudge target: UUID? = nil, _ answer: NudgeAnswer, now: Date = Date())
        async throws -> NudgeAnswerReceipt
    {
        guard (1...5).contains(answer.priority) else {
            throw NudgeAnswerError.invalidAnswer("priority must be between 1 and 5")
        }
        let concern = answer.concern?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let concern, concern.count > 4000 { throw NudgeAnswerError.invalidAnswer("concern is too long") }
        let note = (concern?.isEmpty ?? true) ? nil : concern
        let (orgID, nudgeID) = try await resolveNudgeToken(token)
        let scope = TenantScope(orgID: orgID, actor: "nudge:\(nudgeID)")
        return try await write(scope) { tx in
            // The row lock orders concurrent answers; the second finds the nudge answered.
            let answered = target ?? nudgeID
            let rows = try await tx.transaction.query(
                """
                SELECT n.state, n.token_expires_at, n.initiative_id, n.leader_id, link.token_expires_at
                FROM nudges AS n
                JOIN nudges AS link
                  ON link.org_id = n.org_id AND link.id = \(nudgeID)::uuid
                 AND link.token_hash = decode(\(token.hashHex), 'hex')
                 AND (link.id = n.id OR (link.digest_id IS NOT NULL AND link.digest_id = n.digest_id))
                WHERE n.org_id = \(orgID)::uuid AND n.id = \(answered)::uuid
                FOR UPDATE OF n
                """)
            guard let row = rows.first else { throw NudgeAnswerError.unknownToken }
            let (state, expires, initiative, leader, linkExpires) = try row.decode(
                (String, Date?, UUID, UUID, Date?).self)
            if answered != nudgeID, (linkExpires ?? now) <= now { throw NudgeAnswerError.expired }
            try Self.checkAnswerable(state: state, expiresAt: expires, now: now)
            try await tx.transaction.execute(
                """
                UPDATE nudges SET state = 'answered', answered_at = \(now)::timestamptz
                WHERE org_id = \(orgID)::uuid AND id = \(answered)::uuid
                """)
            let rating = try await tx.transaction.query(
                """
                INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in,
                                               resistance_note, source, rated_at)
                VALUES (\(orgID)::uuid, \(initiative)::uuid, \(leader)::uuid, \(answer.priority),
                        \(answer.buyIn?.rawValue), \(note), 'nudge', \(now)::timestamptz)
                RETURNING id
                """
            )[0].decode(0, as: UUID.self)
            return NudgeAnswerReceipt(
                orgID: orgID, nudgeID: answered, initiativeID: initiative, leaderID: leader, ratingID: rating)
        }
    }

    func resolveNudgeToken(_ token: NudgeToken) async throws -> (UUID, UUID) {
        let rows = try await pool.withConnection { connection in
            try await connection.query(
                "SELECT org_id, nudge_id FROM nudge_by_token(decode(\(token.hashHex), 'hex'))")
        }
        guard let row = rows.first else { throw NudgeAnswerError.unknownToken }
        return try row.decode((UUID, UUID).self)
    }

    static func checkAnswerable(state: String, expiresAt: Date?, now: Date) throws {
        switch state {
        case "answered": throw NudgeAnswerError.alreadyAnswered
        case "sent", "digested":
            guard let expiresAt, expiresAt > now else { throw NudgeAnswerError.expired }
        default: throw NudgeAnswerError.expired
        }
    }
}
