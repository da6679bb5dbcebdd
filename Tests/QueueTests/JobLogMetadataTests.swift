import ConcordLogging
import ConcordQueue
import ConcordTestSupport
import Foundation
import Logging
import Testing

/// A job handler's log lines carry the job's id and kind, whichever logger it uses, without passing them.
@Suite struct JobLogMetadataTests {
    @Test func handlerLinesCarryTheJobIDAndKind() async throws {
        let db = try await TestDatabase.shared.create()
        let lines = LogLines()
        let logger = Logger(label: "jobs") { label in
            LineLogHandler(label: label, format: .json, metadataProvider: JobLogMetadata.provider, sink: lines.sink)
        }
        let ran = Probe<Int64>()
        var registry = JobRegistry()
        registry.register(kind: "greet") { job in
            logger.info("greeting")
            await ran.record(job.id)
        }
        let worker = db.worker(registry, fastConfiguration("logs"))
        let job = try await db.jobQueue().enqueue(NewJob(kind: "greet"))
        try await ran.wait(forCount: 1, "the job to run")
        try await worker.stop()
        logger.info("outside any job")

        let objects = try lines.objects()
        let greeting = try #require(objects.first { $0["message"] as? String == "greeting" })
        #expect(greeting["job_id"] as? String == "\(job.id)")
        #expect(greeting["job_kind"] as? String == "greet")
        let outside = try #require(objects.first { $0["message"] as? String == "outside any job" })
        #expect(outside["job_id"] == nil)
    }
}

/// Log lines captured in memory.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []

    var sink: LogSink { LogSink { line in self.lock.withLock { self.lines.append(line) } } }

    /// Every line as a JSON object; throws if one is not.
    func objects() throws -> [[String: Any]] {
        try lock.withLock { lines }.map { line in
            guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
                throw CocoaError(.coderInvalidValue)
            }
            return object
        }
    }
}
