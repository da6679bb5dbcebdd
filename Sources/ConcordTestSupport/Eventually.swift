/// Whether `condition` holds within `limit`, looked at every `interval`: for what a test cannot await directly.
/// A loop of `Task.yield()` would hog a thread of the cooperative pool, and one without a limit hangs the run
/// when what it waits for came and went.
public func eventually(
    within limit: Duration, every interval: Duration = .milliseconds(1), _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let end = ContinuousClock.now + limit
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
