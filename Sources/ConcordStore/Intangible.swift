import Foundation
import PQ

/// A benefit of a programme that is recorded and reported but never turned into money.
public struct Intangible: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let programmeID: UUID
    public var description: String
    public let createdAt: Date
    public var version: Int

    static let columns = "n.id, n.programme_id, n.description, n.created_at, n.version"

    init(row: Row) throws {
        id = try row.decode("id")
        programmeID = try row.decode("programme_id")
        description = try row.decode("description")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
    }
}

/// What the API gives to record an intangible.
public struct IntangibleFields: Sendable, Codable, Hashable {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}
