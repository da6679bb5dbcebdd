import ConcordQueue
import ConcordStore
import Foundation
import Logging

/// Every job kind the worker runs, and the periodic jobs that start them.
public struct WorkerJobs: Sendable {
    public let store: Store
    public let environment: WorkerEnvironment
    public let logger: Logger

    public init(store: Store, environment: WorkerEnvironment, logger: Logger) {
        self.store = store
        self.environment = environment
        self.logger = logger
    }

    public func registry() -> JobRegistry {
        var registry = JobRegistry()
        registry.register(kind: "concord.noop") { _ in }
        return registry
    }

    public func periodicJobs() throws -> [PeriodicJob] {
        []
    }
}
