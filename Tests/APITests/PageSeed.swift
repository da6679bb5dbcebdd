import ConcordStore
import Foundation
import HummingbirdTesting
import PQ

/// An organisation set up for the answer page and the pictures: IT leads an initiative whose title tries
/// to inject a script, Training supports it ("train staff"), Ida heads Training and answered once before;
/// her nudge links, sent alone or in a digest, are made here with known tokens.
struct PageSeed {
    let fixture: APIFixture
    let org: UUID
    let key: String
    let it: UUID
    let training: UUID
    let ida: UUID
    let max: UUID
    let initiative: UUID
    let title = "ERP <script>alert(1)</script>"

    static func make(_ fixture: APIFixture) async throws -> PageSeed {
        let org = UUID()
        _ = try await fixture.ownerPool.withConnection { connection in
            try await connection.execute(
                """
                INSERT INTO organisations (org_id, name, slug, timezone)
                VALUES (\(org)::uuid, 'Acme & <Sons>', \("acme-" + org.uuidString.prefix(8).lowercased()), 'UTC')
                """)
        }
        let key = try await fixture.key(for: org).secret
        let (it, training, ida, max, initiative) = (UUID(), UUID(), UUID(), UUID(), UUID())
        let seed = PageSeed(
            fixture: fixture, org: org, key: key, it: it, training: training, ida: ida, max: max,
            initiative: initiative)
        try await seed.owner(
            """
            INSERT INTO areas (org_id, id, name) VALUES (\(org)::uuid, \(it)::uuid, 'IT'),
                                                        (\(org)::uuid, \(training)::uuid, 'Training')
            """)
        try await seed.owner(
            """
            INSERT INTO leaders (org_id, id, area_id, name) VALUES (\(org)::uuid, \(ida)::uuid, \(training)::uuid, 'Ida'),
                                                                   (\(org)::uuid, \(max)::uuid, \(it)::uuid, 'Max')
            """)
        try await seed.owner(
            "UPDATE areas SET head_leader_id = \(ida)::uuid WHERE org_id = \(org)::uuid AND id = \(training)::uuid")
        try await seed.owner(
            "UPDATE areas SET head_leader_id = \(max)::uuid WHERE org_id = \(org)::uuid AND id = \(it)::uuid")
        try await seed.owner(
            """
            INSERT INTO initiatives (org_id, id, title, lead_area_id, sponsor_leader_id, importance)
            VALUES (\(org)::uuid, \(initiative)::uuid, \(seed.title), \(it)::uuid, \(max)::uuid, 4)
            """)
        try await seed.owner(
            """
            INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
            VALUES (\(org)::uuid, \(initiative)::uuid, \(training)::uuid, 'train staff <all shifts>')
            """)
        try await seed.owner(
            """
            INSERT INTO alignment_ratings (org_id, initiative_id, leader_id, priority, buy_in, resistance_note,
                                           source, rated_at)
            VALUES (\(org)::uuid, \(initiative)::uuid, \(ida)::uuid, 2, 'aware', 'no trainers', 'api',
                    '2026-10-01T09:00:00Z')
            """)
        return seed
    }

    func owner(_ sql: SQL) async throws {
        _ = try await fixture.ownerPool.withConnection { try await $0.execute(sql) }
    }

    /// Another initiative led by IT and supported by Training, for digests.
    func initiative(_ title: String) async throws -> UUID {
        let id = UUID()
        try await owner(
            """
            INSERT INTO initiatives (org_id, id, title, lead_area_id, importance)
            VALUES (\(org)::uuid, \(id)::uuid, \(title), \(it)::uuid, 3)
            """)
        try await owner(
            """
            INSERT INTO initiative_supporting_areas (org_id, initiative_id, area_id, support)
            VALUES (\(org)::uuid, \(id)::uuid, \(training)::uuid, 'revise job descriptions')
            """)
        return id
    }

    /// A sent nudge to Ida with a fresh token; `digest` puts it in that digest, `expired` dates its link.
    func nudge(
        _ initiative: UUID? = nil, reason: String = "quiet_initiative", digest: UUID? = nil, expired: Bool = false
    ) async throws -> NudgeToken {
        let token = NudgeToken.generate()
        let expires = expired ? Date().addingTimeInterval(-60) : Date().addingTimeInterval(86_400)
        try await owner(
            """
            INSERT INTO nudges (org_id, initiative_id, leader_id, reason, period_key, due_at, state, sent_at,
                                digest_id, channel, token_hash, token_expires_at)
            VALUES (\(org)::uuid, \((initiative ?? self.initiative))::uuid, \(ida)::uuid, \(reason),
                    'c' || (floor(random() * 1000000000))::bigint, now(),
                    CASE WHEN \(digest)::uuid IS NULL THEN 'sent' ELSE 'digested' END, now(), \(digest)::uuid,
                    'email', decode(\(token.hashHex), 'hex'), \(expires)::timestamptz)
            """)
        return token
    }

    func digest() async throws -> UUID {
        let id = UUID()
        try await owner(
            """
            INSERT INTO nudge_digests (org_id, id, leader_id, channel, state, sent_at)
            VALUES (\(org)::uuid, \(id)::uuid, \(ida)::uuid, 'email', 'sent', now())
            """)
        return id
    }

    /// Ida's ratings of `initiative`, newest first: (priority, buy-in, note, source).
    func ratings(_ initiative: UUID? = nil) async throws -> [(Int, String?, String?, String)] {
        try await fixture.ownerPool.withConnection { connection in
            try await connection.query(
                """
                SELECT priority, buy_in, resistance_note, source FROM alignment_ratings
                WHERE org_id = \(org)::uuid AND initiative_id = \((initiative ?? self.initiative))::uuid
                  AND leader_id = \(ida)::uuid
                ORDER BY rated_at DESC, id DESC
                """
            ).map { try $0.decode((Int, String?, String?, String).self) }
        }
    }
}
