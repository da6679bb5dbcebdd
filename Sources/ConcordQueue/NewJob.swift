import Foundation

/// What to enqueue: a kind, its JSON arguments, and how and when to run it.
public struct NewJob: Sendable {
    public var kind: String
    /// The arguments as JSON text.
    public var argsJSON: String
    /// The organisation the job is for, if any.
    public var organisationID: UUID?
    public var queue: String
    /// Lower runs first.
    public var priority: Int16
    /// Runs allowed before the job is discarded.
    public var maxAttempts: Int
    /// Run no earlier than this; nil or a past instant means now.
    public var runAt: Date?
    /// At most one job per key among live and completed jobs: enqueueing a second one is not an error, it
    /// returns the first. Put the period in the key for "once per period" ("nudge:<pair>:2025-W07").
    public var uniqueKey: String?

    public static let defaultQueue = "default"
    public static let defaultMaxAttempts = 25

    public init(
        kind: String, argsJSON: String = "{}", organisationID: UUID? = nil, queue: String = NewJob.defaultQueue,
        priority: Int16 = 1, maxAttempts: Int = NewJob.defaultMaxAttempts, runAt: Date? = nil,
        uniqueKey: String? = nil
    ) {
        self.kind = kind
        self.argsJSON = argsJSON
        self.organisationID = organisationID
        self.queue = queue
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.uniqueKey = uniqueKey
    }

    /// A job whose arguments are `args` encoded as JSON.
    public init<Args: Encodable>(
        kind: String, args: Args, organisationID: UUID? = nil, queue: String = NewJob.defaultQueue,
        priority: Int16 = 1, maxAttempts: Int = NewJob.defaultMaxAttempts, runAt: Date? = nil,
        uniqueKey: String? = nil
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.init(
            kind: kind, argsJSON: String(decoding: try encoder.encode(args), as: UTF8.self),
            organisationID: organisationID, queue: queue, priority: priority, maxAttempts: maxAttempts, runAt: runAt,
            uniqueKey: uniqueKey)
    }
}
