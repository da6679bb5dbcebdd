/// The leadership group a leader answers a readiness check for. The check asks whether executive and HR
/// leadership are aligned, and whether the area leaders who carry change out see what they see.
public enum LeaderGroup: String, Codable, CaseIterable, Sendable {
    case executive
    case hr
    case area

    /// HR first: a chief people officer who sits on the executive team is the HR voice the check compares with
    /// the executives'. Every other leader leads an area, or answers as one.
    public init(isExecutive: Bool, isHR: Bool) {
        self = isHR ? .hr : isExecutive ? .executive : .area
    }
}
