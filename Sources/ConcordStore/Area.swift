import Foundation
import PQ

/// A department or function of an organisation (IT, Quality, HR...), optionally under a parent area.
public struct Area: Sendable, Codable, Hashable, Identifiable, SnakeCaseKeyed {
    public let id: UUID
    public var name: String
    public var parentID: UUID?
    public var headLeaderID: UUID?
    /// The area's key in the client's own files, for re-imports.
    public var externalKey: String?
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case name
        case parentID = "parent_id"
        case headLeaderID = "head_leader_id"
        case externalKey = "external_key"
        case archivedAt = "archived_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case version
    }

    /// The select list `init(row:)` reads, for the table under alias `a`.
    static let columns = """
        a.id, a.name, a.parent_id, a.head_leader_id, a.external_key, a.archived_at, a.created_at, a.updated_at,
        a.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        parentID = try row.decode("parent_id")
        headLeaderID = try row.decode("head_leader_id")
        externalKey = try row.decode("external_key")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// The fields of an area, to create one or (with `updateArea`) to replace them as a whole.
public struct AreaFields: Sendable, Codable, Hashable {
    public var name: String
    public var parentID: UUID?
    public var headLeaderID: UUID?
    public var externalKey: String?

    public init(name: String, parentID: UUID? = nil, headLeaderID: UUID? = nil, externalKey: String? = nil) {
        self.name = name
        self.parentID = parentID
        self.headLeaderID = headLeaderID
        self.externalKey = externalKey
    }

    /// The current values of `area`.
    public init(_ area: Area) {
        self.init(
            name: area.name, parentID: area.parentID, headLeaderID: area.headLeaderID, externalKey: area.externalKey)
    }
}
