import ConcordDomain
import Foundation
import PQ

/// A change initiative as stored.
public struct Initiative: Sendable, Codable, Hashable, Identifiable, SnakeCaseKeyed {
    public let id: UUID
    public var title: String
    public var description: String
    public var leadAreaID: UUID
    public var sponsorLeaderID: UUID?
    /// 1-5.
    public var importance: Int
    public var stage: Stage
    public var health: Health
    public var startDate: CivilDate?
    public var targetDate: CivilDate?
    /// Nil: the organisation's default.
    public var revisitCadenceDays: Int?
    /// Nil: the organisation's default.
    public var quietAfterDays: Int?
    /// The alignment index (0-1) it needs to move on to developing and implementing; nil: the organisation's.
    @OptionalGateIndexString public var alignmentGate: Decimal?
    public var lastActivityAt: Date
    public var stageChangedAt: Date
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case title
        case description
        case leadAreaID = "lead_area_id"
        case sponsorLeaderID = "sponsor_leader_id"
        case importance
        case stage
        case health
        case startDate = "start_date"
        case targetDate = "target_date"
        case revisitCadenceDays = "revisit_cadence_days"
        case quietAfterDays = "quiet_after_days"
        case alignmentGate = "alignment_gate"
        case lastActivityAt = "last_activity_at"
        case stageChangedAt = "stage_changed_at"
        case archivedAt = "archived_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case version
    }

    /// The select list `init(row:)` reads, for the table under alias `i`.
    static let columns = """
        i.id, i.title, i.description, i.lead_area_id, i.sponsor_leader_id, i.importance, i.stage, i.health,
        \(SQLFragment.days(of: "i.start_date", as: "start_date")),
        \(SQLFragment.days(of: "i.target_date", as: "target_date")),
        i.revisit_cadence_days, i.quiet_after_days, i.alignment_gate, i.last_activity_at, i.stage_changed_at, i.archived_at,
        i.created_at, i.updated_at, i.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        title = try row.decode("title")
        description = try row.decode("description")
        leadAreaID = try row.decode("lead_area_id")
        sponsorLeaderID = try row.decode("sponsor_leader_id")
        importance = try row.decode("importance")
        stage = try row.decodeEnum("stage")
        health = try row.decodeEnum("health")
        startDate = try row.decodeCivilDate("start_date")
        targetDate = try row.decodeCivilDate("target_date")
        revisitCadenceDays = try row.decode("revisit_cadence_days")
        quietAfterDays = try row.decode("quiet_after_days")
        alignmentGate = try row.decode("alignment_gate")
        lastActivityAt = try row.decode("last_activity_at")
        stageChangedAt = try row.decode("stage_changed_at")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// What the API gives to create an initiative, supporting areas included.
public struct NewInitiative: Sendable, Codable, Hashable {
    public var title: String
    public var description: String
    public var leadAreaID: UUID
    public var sponsorLeaderID: UUID?
    public var importance: Int
    public var stage: Stage
    public var health: Health
    public var startDate: CivilDate?
    public var targetDate: CivilDate?
    public var revisitCadenceDays: Int?
    public var quietAfterDays: Int?
    @OptionalGateIndexString public var alignmentGate: Decimal?
    public var supportingAreas: [SupportingArea]

    public init(
        title: String, description: String = "", leadAreaID: UUID, sponsorLeaderID: UUID? = nil,
        importance: Int, stage: Stage = .proposed, health: Health = .onTrack, startDate: CivilDate? = nil,
        targetDate: CivilDate? = nil, revisitCadenceDays: Int? = nil, quietAfterDays: Int? = nil,
        alignmentGate: Decimal? = nil, supportingAreas: [SupportingArea] = []
    ) {
        self.title = title
        self.description = description
        self.leadAreaID = leadAreaID
        self.sponsorLeaderID = sponsorLeaderID
        self.importance = importance
        self.stage = stage
        self.health = health
        self.startDate = startDate
        self.targetDate = targetDate
        self.revisitCadenceDays = revisitCadenceDays
        self.quietAfterDays = quietAfterDays
        self.alignmentGate = alignmentGate
        self.supportingAreas = supportingAreas
    }
}

/// The editable fields of an initiative, replaced as a whole by `updateInitiative` (stage and health have
/// their own operations, as their changes mean something to the worker).
public struct InitiativeChanges: Sendable, Codable, Hashable {
    public var title: String
    public var description: String
    public var leadAreaID: UUID
    public var sponsorLeaderID: UUID?
    public var importance: Int
    public var startDate: CivilDate?
    public var targetDate: CivilDate?
    public var revisitCadenceDays: Int?
    public var quietAfterDays: Int?
    @OptionalGateIndexString public var alignmentGate: Decimal?

    public init(
        title: String, description: String, leadAreaID: UUID, sponsorLeaderID: UUID?, importance: Int,
        startDate: CivilDate?, targetDate: CivilDate?, revisitCadenceDays: Int?, quietAfterDays: Int?,
        alignmentGate: Decimal? = nil
    ) {
        self.title = title
        self.description = description
        self.leadAreaID = leadAreaID
        self.sponsorLeaderID = sponsorLeaderID
        self.importance = importance
        self.startDate = startDate
        self.targetDate = targetDate
        self.revisitCadenceDays = revisitCadenceDays
        self.quietAfterDays = quietAfterDays
        self.alignmentGate = alignmentGate
    }

    /// The current values of `initiative`, to change a few and send back.
    public init(_ initiative: Initiative) {
        self.init(
            title: initiative.title, description: initiative.description, leadAreaID: initiative.leadAreaID,
            sponsorLeaderID: initiative.sponsorLeaderID, importance: initiative.importance,
            startDate: initiative.startDate, targetDate: initiative.targetDate,
            revisitCadenceDays: initiative.revisitCadenceDays, quietAfterDays: initiative.quietAfterDays,
            alignmentGate: initiative.alignmentGate)
    }
}

extension NewInitiative {
    /// Only title, lead area and importance are required; the rest take the same defaults as the initialiser.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            title: try container.decode(String.self, forKey: .title),
            description: try container.decodeIfPresent(String.self, forKey: .description) ?? "",
            leadAreaID: try container.decode(UUID.self, forKey: .leadAreaID),
            sponsorLeaderID: try container.decodeIfPresent(UUID.self, forKey: .sponsorLeaderID),
            importance: try container.decode(Int.self, forKey: .importance),
            stage: try container.decodeIfPresent(Stage.self, forKey: .stage) ?? .proposed,
            health: try container.decodeIfPresent(Health.self, forKey: .health) ?? .onTrack,
            startDate: try container.decodeIfPresent(CivilDate.self, forKey: .startDate),
            targetDate: try container.decodeIfPresent(CivilDate.self, forKey: .targetDate),
            revisitCadenceDays: try container.decodeIfPresent(Int.self, forKey: .revisitCadenceDays),
            quietAfterDays: try container.decodeIfPresent(Int.self, forKey: .quietAfterDays),
            alignmentGate: try container.decodeIfPresent(OptionalGateIndexString.self, forKey: .alignmentGate)?
                .wrappedValue,
            supportingAreas: try container.decodeIfPresent([SupportingArea].self, forKey: .supportingAreas) ?? [])
    }
}
