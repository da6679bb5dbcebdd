/// What a pipeline's results come to, segment by segment (a segment ends at a sync point): the rows of each
/// of its statements, or the first error in it. Shared by the blocking and the non-blocking reader.
struct PipelineOutcome {
    private let segmentCount: Int
    private(set) var segments: [Result<[QueryResult], any Error>] = []
    private var rows: [QueryResult] = []
    private var firstError: (any Error)?

    init(segments: Int) {
        segmentCount = segments
        self.segments.reserveCapacity(segments)
    }

    mutating func append(_ result: QueryResult) { rows.append(result) }

    /// Keeps the first error of the current segment, naming the statement it came from.
    mutating func record(_ error: any Error, query: @autoclosure () -> String?) {
        guard firstError == nil else { return }
        if var error = error as? PostgresError, let query = query() {
            error.query = query
            firstError = error
        } else {
            firstError = error
        }
    }

    /// The sync point of the current segment was read.
    mutating func endSegment() {
        segments.append(firstError.map { .failure($0) } ?? .success(rows))
        rows = []
        firstError = nil
    }

    /// The connection failed: the current segment (unless it failed already) and every later one fail with
    /// `error`.
    mutating func fail(_ error: any Error) {
        while segments.count < segmentCount {
            record(error, query: nil)
            endSegment()
        }
    }

    var isComplete: Bool { segments.count == segmentCount }
}
