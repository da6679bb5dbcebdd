import Foundation
import PQ

/// A person who heads an area, with the channels nudges reach them on.
public struct Leader: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var areaID: UUID?
    public var name: String
    public var email: String?
    public var isExecutive: Bool
    public var isHR: Bool
    /// Nil: the organisation's time zone.
    public var timezone: String?
    /// Delivery addresses by channel, e.g. ["slack": "U024BE7LH"].
    public var channels: [String: String]
    public var optedOut: Bool
    public var snoozedUntil: Date?
    public var externalKey: String?
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    /// The select list `init(row:)` reads, for the table under alias `l`.
    static let columns = """
        l.id, l.area_id, l.name, l.email, l.is_executive, l.is_hr, l.timezone, l.channels, l.opted_out,
        l.snoozed_until, l.external_key, l.archived_at, l.created_at, l.updated_at, l.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        areaID = try row.decode("area_id")
        name = try row.decode("name")
        email = try row.decode("email")
        isExecutive = try row.decode("is_executive")
        isHR = try row.decode("is_hr")
        timezone = try row.decode("timezone")
        channels = try row.decode("channels", as: PostgresJSON<[String: String]>.self).value
        optedOut = try row.decode("opted_out")
        snoozedUntil = try row.decode("snoozed_until")
        externalKey = try row.decode("external_key")
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// The fields of a leader, to create one or (with `updateLeader`) to replace them as a whole. Opt-out and
/// snooze have their own operations.
public struct LeaderFields: Sendable, Codable, Hashable {
    public var areaID: UUID?
    public var name: String
    public var email: String?
    public var isExecutive: Bool
    public var isHR: Bool
    public var timezone: String?
    public var channels: [String: String]
    public var externalKey: String?

    public init(
        name: String, areaID: UUID? = nil, email: String? = nil, isExecutive: Bool = false, isHR: Bool = false,
        timezone: String? = nil, channels: [String: String] = [:], externalKey: String? = nil
    ) {
        self.areaID = areaID
        self.name = name
        self.email = email
        self.isExecutive = isExecutive
        self.isHR = isHR
        self.timezone = timezone
        self.channels = channels
        self.externalKey = externalKey
    }

    /// The current values of `leader`.
    public init(_ leader: Leader) {
        self.init(
            name: leader.name, areaID: leader.areaID, email: leader.email, isExecutive: leader.isExecutive,
            isHR: leader.isHR, timezone: leader.timezone, channels: leader.channels, externalKey: leader.externalKey)
    }
}

extension LeaderFields {
    /// Only the name is required; flags default to false and channels to none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            areaID: try container.decodeIfPresent(UUID.self, forKey: .areaID),
            email: try container.decodeIfPresent(String.self, forKey: .email),
            isExecutive: try container.decodeIfPresent(Bool.self, forKey: .isExecutive) ?? false,
            isHR: try container.decodeIfPresent(Bool.self, forKey: .isHR) ?? false,
            timezone: try container.decodeIfPresent(String.self, forKey: .timezone),
            channels: try container.decodeIfPresent([String: String].self, forKey: .channels) ?? [:],
            externalKey: try container.decodeIfPresent(String.self, forKey: .externalKey))
    }
}
