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

/// A name and a description: what creates a dimension, and what replaces a framework's or a dimension's own
/// fields as a whole (a framework's dimensions change one by one).
public struct NamedFields: Sendable, Codable, Hashable {
    public var name: String
    public var description: String

    public init(name: String, description: String = "") {
        self.name = name
        self.description = description
    }

    /// The description may be left out (it is then empty).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            description: try container.decodeIfPresent(String.self, forKey: .description) ?? "")
    }

    /// The current values of `framework`.
    public init(_ framework: AssessmentFramework) {
        self.init(name: framework.name, description: framework.description)
    }

    /// The current values of `dimension`.
    public init(_ dimension: AssessmentDimension) {
        self.init(name: dimension.name, description: dimension.description)
    }
}

/// One dimension's score in an assessment: 0 to 100 with up to two decimals (the column is numeric(5, 2)).
public struct AssessmentScore: Sendable, Codable, Hashable {
    public var dimensionID: UUID
    @DecimalString public var score: Decimal

    public init(dimensionID: UUID, score: Decimal) {
        self.dimensionID = dimensionID
        self.score = score
    }
}

/// What a correction may change of an assessment; its leader and framework stay. `scores` replaces them all.
public struct AssessmentFields: Sendable, Codable, Hashable {
    public var assessedOn: CivilDate
    public var assessor: String
    public var notes: String
    public var scores: [AssessmentScore]

    public init(assessedOn: CivilDate, assessor: String, notes: String, scores: [AssessmentScore]) {
        self.assessedOn = assessedOn
        self.assessor = assessor
        self.notes = notes
        self.scores = scores
    }

    /// The current values of `assessment`.
    public init(_ assessment: Assessment) {
        self.init(
            assessedOn: assessment.assessedOn, assessor: assessment.assessor, notes: assessment.notes,
            scores: assessment.scores)
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
    /// Scores (0-100), in the framework's dimension order.
    public var scores: [AssessmentScore]

    static let columns = """
        asm.id, asm.leader_id, asm.framework_id, (asm.assessed_on - DATE '1970-01-01') AS assessed_on,
        asm.assessor, asm.notes, asm.created_at, asm.version
        """

    init(row: Row, scores: [AssessmentScore]) throws {
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
