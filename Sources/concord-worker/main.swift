import ConcordWorker
import Foundation
import Logging

// concord-worker: reads its settings and runs the queue worker until SIGTERM or SIGINT.
LoggingSystem.bootstrap(StreamLogHandler.standardError)
var logger = Logger(label: "concord-worker")
logger.logLevel = .info

let environment: WorkerEnvironment
do {
    environment = try await WorkerEnvironment.load()
} catch {
    FileHandle.standardError.write(Data("concord-worker: bad configuration: \(error)\n".utf8))
    exit(2)
}
try await WorkerProcess.run(environment: environment, logger: logger)
