import ConcordDomain
import Foundation

/// Where an initiative stands against its alignment gate (see `ConcordDomain.AlignmentGate`).
public struct GateStatus: Sendable, Codable, Hashable, SnakeCaseKeyed {
    /// The alignment index needed to move on to developing and implementing.
    @DecimalString public var threshold: Decimal
    /// `initiative` when the initiative sets its own gate, else `organisation`.
    public let source: String
    /// True when the alignment index now meets the gate.
    public let met: Bool
    /// Required leaders who hold the index below 1 (out of line, stale or missing), in required order.
    public let notAlignedLeaders: [NotAlignedLeader]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case threshold
        case source
        case met
        case notAlignedLeaders = "not_aligned_leaders"
    }

    init(initiativeGate: Decimal?, organisationGate: Decimal, index: AlignmentIndex<UUID>, names: [UUID: String]) {
        let gate = AlignmentGate(initiative: initiativeGate, organisation: organisationGate)
        threshold = gate.threshold
        source = initiativeGate == nil ? "organisation" : "initiative"
        met = gate.admits(index: index.index)
        // `notAligned` is out of line, stale and missing merged in required order, each of them in that order
        // too: walking the first two alongside tells each leader's reason without building sets.
        var outOfLine = index.outOfLine.makeIterator()
        var stale = index.stale.makeIterator()
        var nextOutOfLine = outOfLine.next()
        var nextStale = stale.next()
        notAlignedLeaders = index.notAligned.map { id in
            let status: String
            if id == nextOutOfLine {
                status = "out_of_line"
                nextOutOfLine = outOfLine.next()
            } else if id == nextStale {
                status = "stale"
                nextStale = stale.next()
            } else {
                status = "missing"
            }
            return NotAlignedLeader(leaderID: id, name: names[id] ?? "", status: status)
        }
    }
}

/// A required leader who is not aligned, and why.
public struct NotAlignedLeader: Sendable, Codable, Hashable, SnakeCaseKeyed {
    public let leaderID: UUID
    public let name: String
    /// `out_of_line` (fresh but more than 1 from the importance), `stale` or `missing`.
    public let status: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case leaderID = "leader_id"
        case name
        case status
    }
}
