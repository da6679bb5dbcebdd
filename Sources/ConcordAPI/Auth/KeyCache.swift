import ConcordStore
import Foundation

/// Remembers recent key lookups and organisation grants for a short time, so an authenticated request
/// does not pay an extra round trip; a revoked key is refused once its entry expires (seconds).
actor KeyCache {
    private struct Entry<Value> {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    private let directory: KeyDirectory
    private let lifetime: Duration
    private var keys: [String: Entry<AuthenticatedKey?>] = [:]
    private var access: [String: Entry<Bool>] = [:]

    init(directory: KeyDirectory, lifetime: Duration) {
        self.directory = directory
        self.lifetime = lifetime
    }

    func key(for secret: APIKeySecret) async throws -> AuthenticatedKey? {
        let hash = secret.hashHex
        let now = ContinuousClock.now
        if let entry = keys[hash], entry.expires > now { return entry.value }
        let found = try await directory.authenticate(secret)
        if keys.count > 10_000 { keys.removeAll() }
        keys[hash] = Entry(value: found, expires: now + lifetime)
        return found
    }

    func canAccess(principalID: UUID, orgID: UUID) async throws -> Bool {
        let cacheKey = "\(principalID)/\(orgID)"
        let now = ContinuousClock.now
        if let entry = access[cacheKey], entry.expires > now { return entry.value }
        let allowed = try await directory.canAccess(principalID: principalID, orgID: orgID)
        if access.count > 10_000 { access.removeAll() }
        access[cacheKey] = Entry(value: allowed, expires: now + lifetime)
        return allowed
    }

    /// Forgets everything, e.g. after this process revoked a key.
    func clear() {
        keys.removeAll()
        access.removeAll()
    }
}
