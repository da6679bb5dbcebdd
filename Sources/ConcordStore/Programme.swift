import ConcordDomain
import Foundation
import PQ

/// A leadership L&D programme as stored.
public struct Programme: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var title: String
    public var objectives: String
    /// The initiative the programme serves, or nil.
    public var initiativeID: UUID?
    /// The goal node the programme serves, or nil (at most one of the two is set).
    public var goalNodeID: UUID?
    public var startDate: CivilDate?
    public var endDate: CivilDate?
    /// Months of benefits counted in BCR and ROI; 12 (first year only) unless stated.
    public var benefitHorizonMonths: Int
    /// Changes whenever an input of the ROI figures changes; a snapshot records the one it was computed from.
    public var inputsVersion: Int
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    /// The select list `init(row:)` reads, for the table under alias `p`.
    static let columns = """
        p.id, p.title, p.objectives, p.initiative_id, p.goal_node_id,
        \(SQLFragment.days(of: "p.start_date", as: "start_date")),
        \(SQLFragment.days(of: "p.end_date", as: "end_date")),
        p.benefit_horizon_months, p.inputs_version, p.archived_at, p.created_at, p.updated_at, p.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        title = try row.decode("title")
        objectives = try row.decode("objectives")
        initiativeID = try row.decode("initiative_id")
        goalNodeID = try row.decode("goal_node_id")
        startDate = try row.decodeCivilDate("start_date")
        endDate = try row.decodeCivilDate("end_date")
        benefitHorizonMonths = try row.decode("benefit_horizon_months")
        inputsVersion = try row.decode("inputs_version")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// The editable fields of a programme: given whole to create it, and replaced as a whole to update it.
public struct ProgrammeFields: Sendable, Codable, Hashable {
    public var title: String
    public var objectives: String
    public var initiativeID: UUID?
    public var goalNodeID: UUID?
    public var startDate: CivilDate?
    public var endDate: CivilDate?
    public var benefitHorizonMonths: Int

    public init(
        title: String, objectives: String = "", initiativeID: UUID? = nil, goalNodeID: UUID? = nil,
        startDate: CivilDate? = nil, endDate: CivilDate? = nil, benefitHorizonMonths: Int = ROI.defaultHorizonMonths
    ) {
        self.title = title
        self.objectives = objectives
        self.initiativeID = initiativeID
        self.goalNodeID = goalNodeID
        self.startDate = startDate
        self.endDate = endDate
        self.benefitHorizonMonths = benefitHorizonMonths
    }

    /// The current values of `programme`, to change a few and send back.
    public init(_ programme: Programme) {
        self.init(
            title: programme.title, objectives: programme.objectives, initiativeID: programme.initiativeID,
            goalNodeID: programme.goalNodeID, startDate: programme.startDate, endDate: programme.endDate,
            benefitHorizonMonths: programme.benefitHorizonMonths)
    }

    /// Only the title is required; the horizon defaults to 12 months.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            title: try container.decode(String.self, forKey: .title),
            objectives: try container.decodeIfPresent(String.self, forKey: .objectives) ?? "",
            initiativeID: try container.decodeIfPresent(UUID.self, forKey: .initiativeID),
            goalNodeID: try container.decodeIfPresent(UUID.self, forKey: .goalNodeID),
            startDate: try container.decodeIfPresent(CivilDate.self, forKey: .startDate),
            endDate: try container.decodeIfPresent(CivilDate.self, forKey: .endDate),
            benefitHorizonMonths: try container.decodeIfPresent(Int.self, forKey: .benefitHorizonMonths)
                ?? ROI.defaultHorizonMonths)
    }
}
