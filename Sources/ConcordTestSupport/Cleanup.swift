/// Runs `body`, then `cleanup` whether `body` returned or threw: for cleanup that awaits, which `defer` cannot.
public func withCleanup<T>(
    _ body: () async throws -> T, cleanup: () async -> Void
) async throws -> T {
    let value: T
    do {
        value = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return value
}
