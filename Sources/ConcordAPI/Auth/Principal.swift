import ConcordDomain
import ConcordStore
import Foundation
import UUIDText

/// The caller behind an API key.
public struct Principal: Sendable, Equatable {
    public let key: AuthenticatedKey

    /// Throws 403 unless the key carries `scope` (admin implies write implies read).
    public func require(_ scope: Scope) throws {
        guard key.scopes.contains(where: { $0.allows(scope) }) else {
            throw Problem.forbidden("this key lacks the '\(scope.rawValue)' scope")
        }
    }

    /// Recorded in the audit log as the actor.
    public var actor: String { "key:" + UUIDText.string(key.keyID, lowercase: true) }
}
