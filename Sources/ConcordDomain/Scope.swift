/// What an API token may do; each scope implies the ones below it.
public enum Scope: String, Codable, CaseIterable, Sendable {
    case read
    case write
    case admin

    /// True when a holder of `self` may do what `required` allows (admin ⊇ write ⊇ read).
    public func allows(_ required: Scope) -> Bool {
        Self.allCases.firstIndex(of: self)! >= Self.allCases.firstIndex(of: required)!
    }
}
