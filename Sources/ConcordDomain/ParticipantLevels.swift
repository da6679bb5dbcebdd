import Foundation

/// Level 1-3 averages and completion rate; each figure is over the records that have that value.
public struct ParticipantLevels: Sendable, Hashable {
    public let participants: Int
    public let reactionMean: Decimal?
    public let learningMean: Decimal?
    public let applicationMean: Decimal?
    /// Completed / records with a known completion, 0...1.
    public let completionRate: Decimal?

    /// Missing values are skipped rather than counted as zero, so a partial survey does not drag means down.
    public init(_ records: [ParticipantRecord]) {
        func mean(_ values: [Decimal]) -> Decimal? {
            values.isEmpty ? nil : values.reduce(0, +) / Decimal(values.count)
        }
        let known = records.compactMap(\.completed)
        participants = records.count
        reactionMean = mean(records.compactMap(\.reaction))
        learningMean = mean(records.compactMap(\.learning))
        applicationMean = mean(records.compactMap(\.application))
        completionRate = known.isEmpty ? nil : Decimal(known.filter { $0 }.count) / Decimal(known.count)
    }
}
