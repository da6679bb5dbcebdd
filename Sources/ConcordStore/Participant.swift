import ConcordDomain
import Foundation
import PQ

/// A programme participant with their level 1-3 data, as stored.
///
/// Scales: `reaction` is level 1, the mean of a 1-5 Likert survey; `learning` is level 2, a test or
/// assessment score in percent (0-100); `application` is level 3, the share of the taught behaviours seen
/// applied on the job, in percent (0-100). Nil means not collected.
public struct Participant: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let programmeID: UUID
    /// A leader of the organisation, or nil for a named person who is not one.
    public var leaderID: UUID?
    public var personName: String?
    /// Nil: not known yet.
    public var completed: Bool?
    @OptionalDecimalString public var reaction: Decimal?
    @OptionalDecimalString public var learning: Decimal?
    @OptionalDecimalString public var application: Decimal?
    public let createdAt: Date
    public var version: Int

    static let columns = """
        t.id, t.programme_id, t.leader_id, t.person_name, t.completed, t.reaction, t.learning, t.application,
        t.created_at, t.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        programmeID = try row.decode("programme_id")
        leaderID = try row.decode("leader_id")
        personName = try row.decode("person_name")
        completed = try row.decode("completed")
        reaction = try row.decode("reaction")
        learning = try row.decode("learning")
        application = try row.decode("application")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
    }

    /// The record as the domain's level averages see it.
    public var record: ParticipantRecord {
        ParticipantRecord(reaction: reaction, learning: learning, application: application, completed: completed)
    }
}

/// What the API gives to add a participant: a leader id or a person's name, and any level data known.
public struct ParticipantFields: Sendable, Codable, Hashable {
    public var leaderID: UUID?
    public var personName: String?
    public var completed: Bool?
    @OptionalDecimalString public var reaction: Decimal?
    @OptionalDecimalString public var learning: Decimal?
    @OptionalDecimalString public var application: Decimal?

    public init(
        leaderID: UUID? = nil, personName: String? = nil, completed: Bool? = nil, reaction: Decimal? = nil,
        learning: Decimal? = nil, application: Decimal? = nil
    ) {
        self.leaderID = leaderID
        self.personName = personName
        self.completed = completed
        self.reaction = reaction
        self.learning = learning
        self.application = application
    }
}
