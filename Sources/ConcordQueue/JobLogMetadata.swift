import Logging

/// Puts the running job's id and kind on every log line written while its handler runs, whichever logger
/// the handler uses, through a task-local value that the handler's task inherits.
public enum JobLogMetadata {
    @TaskLocal static var current: Logger.Metadata = [:]

    /// Give this to `LoggingSystem.bootstrap` (or a `Logger`) to get `job_id` and `job_kind` on job lines.
    public static let provider = Logger.MetadataProvider { current }

    static func metadata(of job: Job) -> Logger.Metadata {
        ["job_id": .stringConvertible(job.id), "job_kind": .string(job.kind)]
    }
}
