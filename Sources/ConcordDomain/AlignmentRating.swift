import Foundation

/// A leader's latest answer to "what priority does this initiative have for your area?".
public struct AlignmentRating: Sendable, Hashable, Codable {
    /// Priority for the leader's area, 1 (low) to 5 (top).
    public var priority: Int
    public var buyIn: BuyIn
    public var ratedAt: Date
    /// Free text; its presence is a nudge trigger for the sponsor and the lead.
    public var resistanceNote: String?

    public init(priority: Int, buyIn: BuyIn, ratedAt: Date, resistanceNote: String? = nil) {
        self.priority = priority
        self.buyIn = buyIn
        self.ratedAt = ratedAt
        self.resistanceNote = resistanceNote
    }

    /// True when a note holds more than whitespace, so an empty form field is not resistance.
    public var hasResistance: Bool {
        guard let note = resistanceNote else { return false }
        return !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    }

    /// Fresh while no older than the revisit window (exact 86 400 s days; a future date counts as fresh).
    public func isFresh(revisitWindowDays: Int, now: Date) -> Bool {
        now.timeIntervalSince(ratedAt) <= TimeInterval(revisitWindowDays) * 86_400
    }
}
