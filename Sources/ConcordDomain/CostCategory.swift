/// Phillips' fully loaded cost categories; raw values match SQL and JSON.
public enum CostCategory: String, Codable, CaseIterable, Sendable {
    case needsAssessment = "needs_assessment"
    case designDevelopment = "design_development"
    case acquisition
    case delivery
    case participantsTime = "participants_time"
    case facilities
    case evaluation
    case overhead

    /// Development and bought-in content outlive one programme, so only the share used is charged.
    public var isProrated: Bool { self == .designDevelopment || self == .acquisition }
}
