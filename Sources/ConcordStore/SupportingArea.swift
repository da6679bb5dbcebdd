import Foundation
import PQ

/// An area that supports an initiative: what it must give and who answers for it.
public struct SupportingArea: Sendable, Codable, Hashable {
    public var areaID: UUID
    /// "define requirements and test", "communicate", "train staff", ...
    public var support: String
    /// Nil: the area's head answers for it.
    public var accountableLeaderID: UUID?

    public init(areaID: UUID, support: String, accountableLeaderID: UUID? = nil) {
        self.areaID = areaID
        self.support = support
        self.accountableLeaderID = accountableLeaderID
    }

    init(row: Row) throws {
        areaID = try row.decode("area_id")
        support = try row.decode("support")
        accountableLeaderID = try row.decode("accountable_leader_id")
    }
}
