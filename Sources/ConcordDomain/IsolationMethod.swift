/// How the share of a measure's change attributed to a programme was isolated (Phillips); raw values match
/// SQL and JSON.
public enum IsolationMethod: String, Codable, CaseIterable, Sendable {
    /// Participants compared with a similar group that did not take part.
    case controlGroup = "control_group"
    /// The pre-programme trend projected forward, the gap credited to the programme.
    case trendLine = "trend_line"
    /// A forecasting model of the measure without the programme.
    case forecast
    /// An estimate by participants, managers or experts, usually discounted by its confidence.
    case estimate
}
