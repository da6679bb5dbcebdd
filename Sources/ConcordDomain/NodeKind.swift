/// The three levels of a Goal Tree (Dettmer's Intermediate Objectives map).
public enum NodeKind: String, Codable, CaseIterable, Sendable {
    case goal
    case criticalSuccessFactor = "critical_success_factor"
    case necessaryCondition = "necessary_condition"
}
