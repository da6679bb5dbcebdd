/// Which way a level-4 measure should move.
public enum ImprovementDirection: String, Codable, CaseIterable, Sendable {
    case higherIsBetter = "higher_is_better"
    case lowerIsBetter = "lower_is_better"
}
