import ConcordDomain
import Foundation
import PQ

/// A Goal Tree (Dettmer's Intermediate Objectives map) as stored, without its nodes.
public struct GoalTreeRecord: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var name: String
    public var description: String
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    static let columns = "t.id, t.name, t.description, t.archived_at, t.created_at, t.updated_at, t.version"

    init(row: Row) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        description = try row.decode("description")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// One node of a Goal Tree with its own (not rolled-up) status and confidence.
public struct GoalNodeRecord: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let treeID: UUID
    public var kind: NodeKind
    public var title: String
    public var measure: String?
    public var accountableLeaderID: UUID?
    public var status: NodeStatus
    /// 0-100; nil: not estimated.
    public var confidence: Int?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    static let columns = """
        n.id, n.tree_id, n.kind, n.title, n.measure, n.accountable_leader_id, n.status, n.confidence,
        n.created_at, n.updated_at, n.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        treeID = try row.decode("tree_id")
        kind = try row.decodeEnum("kind")
        title = try row.decode("title")
        measure = try row.decode("measure")
        accountableLeaderID = try row.decode("accountable_leader_id")
        status = try row.decodeEnum("status")
        confidence = try row.decode("confidence")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// The fields of a goal node, to add one or (with `updateGoalNode`) to replace them as a whole.
public struct GoalNodeFields: Sendable, Codable, Hashable {
    public var kind: NodeKind
    public var title: String
    public var measure: String?
    public var accountableLeaderID: UUID?
    public var status: NodeStatus
    public var confidence: Int?

    public init(
        kind: NodeKind, title: String, measure: String? = nil, accountableLeaderID: UUID? = nil,
        status: NodeStatus = .green, confidence: Int? = nil
    ) {
        self.kind = kind
        self.title = title
        self.measure = measure
        self.accountableLeaderID = accountableLeaderID
        self.status = status
        self.confidence = confidence
    }

    /// The current values of `node`.
    public init(_ node: GoalNodeRecord) {
        self.init(
            kind: node.kind, title: node.title, measure: node.measure, accountableLeaderID: node.accountableLeaderID,
            status: node.status, confidence: node.confidence)
    }
}

extension GoalNodeFields {
    /// Kind and title are required; a node starts green with no confidence estimate.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(NodeKind.self, forKey: .kind),
            title: try container.decode(String.self, forKey: .title),
            measure: try container.decodeIfPresent(String.self, forKey: .measure),
            accountableLeaderID: try container.decodeIfPresent(UUID.self, forKey: .accountableLeaderID),
            status: try container.decodeIfPresent(NodeStatus.self, forKey: .status) ?? .green,
            confidence: try container.decodeIfPresent(Int.self, forKey: .confidence))
    }
}

/// "In order to have `parentID` we must have `childID`."
public struct GoalLinkRecord: Sendable, Codable, Hashable {
    public let parentID: UUID
    public let childID: UUID

    public init(parentID: UUID, childID: UUID) {
        self.parentID = parentID
        self.childID = childID
    }
}
