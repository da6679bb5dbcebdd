/// Why a revisit nudge is sent; raw values match SQL and JSON.
public enum NudgeReason: String, Codable, CaseIterable, Sendable {
    case cadence
    case quietInitiative = "quiet_initiative"
    case outOfLine = "out_of_line"
    case resistance
    case stageChange = "stage_change"
    case staleRating = "stale_rating"
    case supportDrop = "support_drop"
    case digest
    /// A readiness check's questionnaire, sent on request rather than planned.
    case readiness

    /// Default urgency, lower first: signs of fading support go out before routine reminders.
    public var defaultPriority: Int {
        switch self {
        case .resistance: 1
        case .supportDrop: 2
        case .outOfLine: 3
        case .stageChange: 4
        case .quietInitiative: 5
        case .staleRating: 6
        case .cadence: 7
        case .digest: 8
        case .readiness: 0
        }
    }
}
