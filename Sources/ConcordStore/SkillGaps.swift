import Foundation
import PQ

/// A role's leaders, the gap between the level the role needs of each skill and the level each leader has,
/// and each leader's progress along the role's learning pathway.
public struct RoleGaps: Sendable, Codable, Hashable {
    public let role: Role
    public let pathway: [PathwayStep]
    public let leaders: [LeaderGaps]
}

/// One programme of a learning pathway.
public struct PathwayStep: Sendable, Codable, Hashable {
    public let position: Int
    public let programmeID: UUID
    public let title: String
}

/// One leader of a role: gaps by skill and pathway progress.
public struct LeaderGaps: Sendable, Codable, Hashable {
    public let leaderID: UUID
    public let name: String
    public let areaID: UUID?
    public var skills: [SkillGap]
    /// Sum of the gaps.
    @DecimalString public var totalGap: Decimal
    /// Pathway programmes the leader completed, of `pathwaySteps`.
    public let pathwayCompleted: Int
    public let pathwaySteps: Int
    /// The first pathway programme not completed yet; nil when none is left.
    public let nextProgrammeID: UUID?
}

/// The level a role needs of a skill against the level a leader has.
public struct SkillGap: Sendable, Codable, Hashable {
    public let skillID: UUID
    public let skill: String
    @DecimalString public var requiredLevel: Decimal
    /// The latest assessment score on the skill's dimension; nil when unknown (then the gap is the requirement).
    @OptionalDecimalString public var level: Decimal?
    @DecimalString public var gap: Decimal
    /// True when some L&D programme develops the skill.
    public let addressed: Bool
}

/// The gaps of an area's leaders in one skill (`bi.skill_gaps_by_area`).
public struct AreaSkillGap: Sendable, Codable, Hashable {
    public let areaID: UUID?
    public let areaName: String?
    public let skillID: UUID
    public let skill: String
    public let leaders: Int
    public let leadersWithGap: Int
    @DecimalString public var averageGap: Decimal
    @DecimalString public var maxGap: Decimal
    public let addressed: Bool
}

extension Reads {
    /// The role's gaps and pathway progress, in one round trip; nil when there is no such role.
    public static func roleGaps(_ roleID: UUID) -> StoreRead<RoleGaps?> {
        let role: SQL =
            "SELECT r.id, r.name FROM roles AS r WHERE r.org_id = app.current_org() AND r.id = \(roleID)::uuid"
        let pathway: SQL = """
            SELECT ps.position, ps.programme_id, p.title
            FROM pathway_steps AS ps
            JOIN ld_programmes AS p ON p.org_id = ps.org_id AND p.id = ps.programme_id
            WHERE ps.org_id = app.current_org() AND ps.role_id = \(roleID)::uuid
            ORDER BY ps.position
            """
        // Per member: the pathway steps, those with a completed participation, and the first one without.
        let members: SQL = """
            SELECT m.leader_id, l.name, l.area_id,
                   count(ps.position)::integer AS steps,
                   (count(ps.position) FILTER (WHERE c.done))::integer AS completed,
                   (array_agg(ps.programme_id ORDER BY ps.position) FILTER (WHERE NOT c.done))[1] AS next_programme_id
            FROM role_members AS m
            JOIN leaders AS l ON l.org_id = m.org_id AND l.id = m.leader_id AND l.archived_at IS NULL
            LEFT JOIN pathway_steps AS ps ON ps.org_id = m.org_id AND ps.role_id = m.role_id
            LEFT JOIN LATERAL (
              SELECT EXISTS (SELECT 1 FROM ld_participants AS pa
                             WHERE pa.org_id = ps.org_id AND pa.programme_id = ps.programme_id
                               AND pa.leader_id = m.leader_id AND pa.completed) AS done
            ) AS c ON true
            WHERE m.org_id = app.current_org() AND m.role_id = \(roleID)::uuid
            GROUP BY m.leader_id, l.name, l.area_id
            ORDER BY l.name, m.leader_id
            """
        let gaps: SQL = """
            SELECT g.leader_id, g.skill_id, g.skill_name, g.required_level, g.level, g.gap, g.addressed
            FROM bi.skill_gaps AS g
            WHERE g.org_id = app.current_org() AND g.role_id = \(roleID)::uuid
            ORDER BY g.skill_name, g.skill_id
            """
        return StoreRead([role, pathway, members, gaps]) { results in
            guard let row = results[0].first else { return nil }
            var byLeader: [UUID: [SkillGap]] = [:]
            for row in results[3] {
                byLeader[try row.decode("leader_id"), default: []].append(
                    SkillGap(
                        skillID: try row.decode("skill_id"), skill: try row.decode("skill_name"),
                        requiredLevel: try row.decode("required_level"), level: try row.decode("level"),
                        gap: try row.decode("gap"), addressed: try row.decode("addressed")))
            }
            return RoleGaps(
                role: Role(id: try row.decode("id"), name: try row.decode("name")),
                pathway: try results[1].decodeAll { row in
                    PathwayStep(
                        position: try row.decode("position"), programmeID: try row.decode("programme_id"),
                        title: try row.decode("title"))
                },
                leaders: try results[2].decodeAll { row in
                    let id: UUID = try row.decode("leader_id")
                    let skills = byLeader[id] ?? []
                    return LeaderGaps(
                        leaderID: id, name: try row.decode("name"), areaID: try row.decode("area_id"), skills: skills,
                        totalGap: skills.reduce(Decimal(0)) { $0 + $1.gap },
                        pathwayCompleted: try row.decode("completed"), pathwaySteps: try row.decode("steps"),
                        nextProgrammeID: try row.decode("next_programme_id"))
                })
        }
    }

    /// The gaps per area and skill, areas by name, the largest average gap first within an area.
    public static func skillGapsByArea() -> StoreRead<[AreaSkillGap]> {
        StoreRead([
            """
            SELECT g.area_id, g.area_name, g.skill_id, g.skill_name, g.leaders, g.leaders_with_gap, g.average_gap,
                   g.max_gap, g.addressed
            FROM bi.skill_gaps_by_area AS g
            WHERE g.org_id = app.current_org()
            ORDER BY g.area_name NULLS LAST, g.average_gap DESC, g.skill_name
            """
        ]) { results in
            try results[0].decodeAll { row in
                AreaSkillGap(
                    areaID: try row.decode("area_id"), areaName: try row.decode("area_name"),
                    skillID: try row.decode("skill_id"), skill: try row.decode("skill_name"),
                    leaders: try row.decode("leaders"), leadersWithGap: try row.decode("leaders_with_gap"),
                    averageGap: try row.decode("average_gap"), maxGap: try row.decode("max_gap"),
                    addressed: try row.decode("addressed"))
            }
        }
    }
}
