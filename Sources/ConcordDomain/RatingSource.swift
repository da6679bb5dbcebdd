/// Where an alignment rating came from, so workshop answers can be told from nudge responses.
public enum RatingSource: String, Codable, CaseIterable, Sendable {
    case api
    case workshop
    case nudge
    case `import`
}
