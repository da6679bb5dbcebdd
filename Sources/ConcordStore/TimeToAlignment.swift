import ConcordDomain
import Foundation
import PQ

/// How long an initiative took, or is taking, to reach its alignment gate, from the rating history
/// (`app.time_to_alignment`, the per-initiative part of `bi.time_to_alignment`).
public struct TimeToAlignment: Sendable, Codable, Hashable, SnakeCaseKeyed {
    /// The day it was created, in the organisation's time zone.
    public let createdOn: CivilDate
    /// The first day whose alignment index met the gate; nil while it never has.
    public let firstReachedOn: CivilDate?
    /// Days from creation to `firstReachedOn`; nil while never reached.
    public let daysToAlignment: Int?
    /// Days since creation while the gate was never reached; nil once it was.
    public let daysSoFar: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case createdOn = "created_on"
        case firstReachedOn = "first_reached_on"
        case daysToAlignment = "days_to_alignment"
        case daysSoFar = "days_so_far"
    }

    /// The columns `init(row:)` reads from `app.time_to_alignment` under alias `t`.
    static let columns = """
        \(SQLFragment.days(of: "t.created_on", as: "created_on")),
        \(SQLFragment.days(of: "t.first_reached_on", as: "first_reached_on")),
        t.days_to_alignment, t.days_so_far
        """

    init(row: Row) throws {
        createdOn = CivilDate(daysSinceEpoch: try row.decode("created_on", as: Int.self))
        firstReachedOn = try row.decodeCivilDate("first_reached_on")
        daysToAlignment = try row.decode("days_to_alignment")
        daysSoFar = try row.decode("days_so_far")
    }
}
