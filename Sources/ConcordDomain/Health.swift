/// The sponsor's view of how an initiative is going; raw values match the SQL and JSON spelling.
public enum Health: String, Codable, CaseIterable, Sendable {
    case onTrack = "on_track"
    case atRisk = "at_risk"
    case offTrack = "off_track"
}
