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
        return note.unicodeScalars.contains { !Self.isWhitespaceOrNewline($0) }
    }

    /// Membership in Foundation's `CharacterSet.whitespacesAndNewlines`, spelled out: trimming with the set went
    /// through `NSString` on every initiative read (2% of the API's CPU). A test checks every scalar against it.
    static func isWhitespaceOrNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// Fresh while no older than the revisit window (exact 86 400 s days; a future date counts as fresh).
    public func isFresh(revisitWindowDays: Int, now: Date) -> Bool {
        now.timeIntervalSince(ratedAt) <= TimeInterval(revisitWindowDays) * 86_400
    }
}
