/// What runs a job: throw to fail the run (retried after a backoff), or throw `JobControl` to snooze,
/// cancel or discard it. The handler's task is cancelled when the job is cancelled or its lease is lost.
public typealias JobHandler = @Sendable (Job) async throws -> Void

/// Handlers by job kind. A claimed job of an unknown kind fails (and is retried: a newer worker may know it).
public struct JobRegistry: Sendable {
    private var handlers: [String: JobHandler] = [:]

    public init() {}

    /// Registers `handler` for `kind`, replacing any earlier one.
    public mutating func register(kind: String, _ handler: @escaping JobHandler) {
        handlers[kind] = handler
    }

    /// Registers a handler that receives the job's arguments decoded as `Args`; arguments that do not decode
    /// discard the job (no retry can fix them).
    public mutating func register<Args: Decodable & Sendable>(
        kind: String, args: Args.Type, _ handler: @escaping @Sendable (Args, Job) async throws -> Void
    ) {
        handlers[kind] = { job in
            let args: Args
            do {
                args = try job.decodeArgs(Args.self)
            } catch {
                throw JobControl.discard(reason: "arguments do not decode as \(Args.self): \(error)")
            }
            try await handler(args, job)
        }
    }

    public var kinds: [String] { handlers.keys.sorted() }

    public func handler(for kind: String) -> JobHandler? { handlers[kind] }
}
