import Foundation
import PQ

/// A skill the organisation develops in its leaders; a leader's level is their latest assessment score on
/// `dimensionID` (0-100).
public struct Skill: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let name: String
    public let description: String
    public let dimensionID: UUID?

    static let columns = "s.id, s.name, s.description, s.dimension_id"

    init(row: Row) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        description = try row.decode("description")
        dimensionID = try row.decode("dimension_id")
    }
}

/// What the API gives to create a skill.
public struct NewSkill: Sendable, Codable, Hashable {
    public var name: String
    public var description: String?
    public var dimensionID: UUID?
}

/// A role, the levels it needs, its leaders and its learning pathway (programmes in order), given whole.
public struct RoleDefinition: Sendable, Codable, Hashable {
    public struct Level: Sendable, Codable, Hashable {
        public var skillID: UUID
        @DecimalString public var requiredLevel: Decimal

        public init(skillID: UUID, requiredLevel: Decimal) {
            self.skillID = skillID
            self.requiredLevel = requiredLevel
        }

        /// The level only as a string "0" to "100" with up to two decimals (the column's scale), so nothing is
        /// rounded on the way in.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let text = try container.decode(String.self, forKey: .requiredLevel)
            guard text.wholeMatch(of: /100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?/) != nil,
                let level = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            else {
                throw DecodingError.dataCorruptedError(
                    forKey: .requiredLevel, in: container,
                    debugDescription: "'\(text)' is not a level from 0 to 100 like \"70\" or \"62.5\"")
            }
            self.init(skillID: try container.decode(UUID.self, forKey: .skillID), requiredLevel: level)
        }
    }

    public var name: String
    public var members: [UUID]
    public var levels: [Level]
    public var pathway: [UUID]
}

/// A stored role with its id.
public struct Role: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let name: String
}

extension Reads {
    /// The organisation's skills by name.
    public static func skills() -> StoreRead<[Skill]> {
        StoreRead(
            ["SELECT \(unescaped: Skill.columns) FROM skills AS s WHERE s.org_id = app.current_org() ORDER BY s.name"]
        ) { results in try results[0].decodeAll(Skill.init(row:)) }
    }
}

extension TenantTransaction {
    public func createSkill(_ new: NewSkill) async throws -> Skill {
        let rows = try await transaction.query(
            """
            INSERT INTO skills AS s (org_id, name, description, dimension_id)
            VALUES (\(orgID)::uuid, \(new.name), \(new.description ?? ""), \(new.dimensionID)::uuid)
            RETURNING \(unescaped: Skill.columns)
            """)
        return try Skill(row: rows[0])
    }

    /// Creates the role with its members, levels and pathway in one round trip; all or nothing.
    public func createRole(_ role: RoleDefinition) async throws -> Role {
        let id = UUID()
        let levels = role.levels
        _ = try await transaction.pipeline([
            "INSERT INTO roles (org_id, id, name) VALUES (\(orgID)::uuid, \(id)::uuid, \(role.name))",
            """
            INSERT INTO role_members (org_id, role_id, leader_id)
            SELECT DISTINCT \(orgID)::uuid, \(id)::uuid, u FROM unnest(\(role.members)::uuid[]) AS u
            """,
            """
            INSERT INTO role_skill_levels (org_id, role_id, skill_id, required_level)
            SELECT \(orgID)::uuid, \(id)::uuid, u.skill_id, u.level
            FROM unnest(\(levels.map(\.skillID))::uuid[], \(levels.map(\.requiredLevel))::numeric[])
                 AS u (skill_id, level)
            """,
            """
            INSERT INTO pathway_steps (org_id, role_id, position, programme_id)
            SELECT \(orgID)::uuid, \(id)::uuid, u.position, u.programme_id
            FROM unnest(\(role.pathway)::uuid[]) WITH ORDINALITY AS u (programme_id, position)
            """,
        ])
        return Role(id: id, name: role.name)
    }

    /// Makes `skills` the skills the programme develops.
    public func setProgrammeSkills(_ programmeID: UUID, skills: [UUID]) async throws -> [UUID] {
        try await requireRow(table: "ld_programmes", entity: "programme", id: programmeID)
        _ = try await transaction.pipeline([
            """
            DELETE FROM programme_skills
            WHERE org_id = \(orgID)::uuid AND programme_id = \(programmeID)::uuid
              AND skill_id <> ALL (\(skills)::uuid[])
            """,
            """
            INSERT INTO programme_skills (org_id, programme_id, skill_id)
            SELECT DISTINCT \(orgID)::uuid, \(programmeID)::uuid, u FROM unnest(\(skills)::uuid[]) AS u
            ON CONFLICT DO NOTHING
            """,
        ])
        var seen = Set<UUID>()
        return skills.filter { seen.insert($0).inserted }
    }
}
