import ConcordLogging
import ConcordQueue
import ConcordSettings
import ConcordWorker
import Foundation
import Logging

// concord-worker: reads its settings and runs the queue worker until SIGTERM or SIGINT.
let environment: WorkerEnvironment
let logging: LogSettings
do {
    let settings = try await Settings.load()
    environment = try WorkerEnvironment(settings)
    logging = try LogSettings(settings)
} catch {
    FileHandle.standardError.write(Data("concord-worker: bad configuration: \(error)\n".utf8))
    exit(2)
}
// Every line a job's handler writes carries job_id and job_kind.
logging.bootstrap(metadataProvider: JobLogMetadata.provider)
let logger = Logger(label: "concord-worker")
try await WorkerProcess.run(environment: environment, logger: logger)
