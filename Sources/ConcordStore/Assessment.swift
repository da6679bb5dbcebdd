import ConcordDomain
import Foundation
import PQ

/// The dimensions an organisation assesses its leaders on (e.g. capacity, commitment, character).
public struct AssessmentFramework: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var name: String
    public var description: String
    public var archivedAt: Date?
    public let createdAt: Date
    public var version: Int
    /// In display order.
    public var dimensions: [AssessmentDimension]

    static let columns = "af.id, af.name, af.description, af.archived_at, af.created_at, af.version"

    init(row: Row, dimensions: [AssessmentDimension]) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        description = try row.decode("description")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
        self.dimensions = dimensions
    }
}

public struct AssessmentDimension: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let frameworkID: UUID
    public var name: String
    public var description: String
    public var position: Int

    static let columns = "ad.id, ad.framework_id, ad.name, ad.description, ad.position"

    init(row: Row) throws {
        id = try row.decode("id")
        frameworkID = try row.decode("framework_id")
        name = try row.decode("name")
        description = try row.decode("description")
        position = try row.decode("position")
    }
}

/// A dimension to create with its framework.
public struct NewDimension: Sendable, Codable, Hashable {
    public var name: String
    public var description: String

    public init(name: String, description: String = "") {
        self.name = name
        self.description = description
    }
}

/// A dated assessment of a leader on a framework's dimensions.
public struct Assessment: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let leaderID: UUID
    public let frameworkID: UUID
    public var assessedOn: CivilDate
    public var assessor: String
    public var notes: String
    public let createdAt: Date
    public var version: Int
    /// Score (0-100) per dimension id.
    public var scores: [UUID: Decimal]

    static let columns = """
        asm.id, asm.leader_id, asm.framework_id, (asm.assessed_on - DATE '1970-01-01') AS assessed_on,
        asm.assessor, asm.notes, asm.created_at, asm.version
        """

    init(row: Row, scores: [UUID: Decimal]) throws {
        id = try row.decode("id")
        leaderID = try row.decode("leader_id")
        frameworkID = try row.decode("framework_id")
        assessedOn = try row.decodeCivilDate("assessed_on")!
        assessor = try row.decode("assessor")
        notes = try row.decode("notes")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
        self.scores = scores
    }
}
