import CLibPQ
import Dispatch
import Foundation
import Synchronization

/// One libpq connection.
///
/// libpq's blocking calls (connecting, COPY, the raw handle) run on the connection's own serial dispatch
/// queue, so the waiting happens on a thread of that queue and never on Swift's cooperative pool.
/// Statements (`query`, `pipeline`, `simpleQuery`) take a faster path where the platform allows it (Linux):
/// they are sent with libpq in non-blocking mode from the calling task, which then waits for the answer in
/// its epoll `Reactor` and reads it without blocking (`Connection+NonBlocking.swift`); no thread
/// ever waits on this connection's socket, and a statement costs no thread switch of its own. Either way a connection runs one thing at a time, which is
/// what makes the `PGconn` (which is not thread-safe) safe to share: `exclusive` is held by whoever uses
/// the handle. Statements are prepared once per connection and results come back in binary format.
public final class Connection: @unchecked Sendable {
    let handle: OpaquePointer
    private let queue: DispatchQueue
    /// Held while the handle is in use: waited for on the queue, only tried from a task.
    let exclusive = DispatchSemaphore(value: 1)
    /// Guards `cancelHandle`, `busy`, `work` and the tickets' fields, the only state touched without `exclusive`.
    /// Taken twice for every statement and almost never contended: `Mutex`'s inline atomics, not NSLock's
    /// pthread mutex behind a class.
    private let cancelLock = Mutex(())
    private var cancelHandle: OpaquePointer?
    private var busy = false
    /// Counts the units of work begun, so a cancel sent late reaches only the work it was asked for.
    private var work: UInt64 = 0
    // Touched only while holding `exclusive`.
    var preparedStatements: [StatementKey: String] = [:]
    private var statementCounter = 0
    private var closed = false
    #if os(Linux)
        /// The thread that waits for this connection's socket: one in turn; with the reactors bound to CPUs,
        /// later the one bound to the CPU where the kernel handles the socket's input (`followInput`). Changed
        /// and read only with `exclusive` held, or by the pool while the connection is idle in it.
        var reactor = Reactor.assign()
        /// Uses of the non-blocking path (a statement or a pipeline each), for looking at where the answers
        /// arrive every so often.
        var statementsRun: UInt32 = 0
    #endif
    /// How many times a connection moved to the reactor on the CPU where its answers arrive
    /// (`PQ_REACTOR_BINDING=cpu`), in this process so far.
    public static var reactorMoves: Int { moves.load(ordering: .relaxed) }
    static let moves = Atomic<Int>(0)
    /// Unique in the process, unlike the object's address or its socket's number, which are both reused.
    let number = Connection.numbers.add(1, ordering: .relaxed).newValue
    private static let numbers = Atomic<UInt64>(0)

    public let createdAt: Date
    /// `createdAt` on the coarse monotonic clock, for the pool's lifetime check on every return. Unlike `Date`,
    /// that clock stands still while the machine is suspended and does not jump with the wall clock.
    let openedAt = CoarseClock.nanoseconds()
    /// More distinct statements than this run unnamed, so dynamic SQL cannot grow the cache without bound.
    public static let preparedStatementLimit = 1_000

    private init(handle: OpaquePointer, queue: DispatchQueue) {
        self.handle = handle
        self.queue = queue
        self.cancelHandle = PQgetCancel(handle)
        self.createdAt = Date()
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        PQfinish(handle)
    }

    /// Opens a connection from a libpq conninfo string or a `postgres://` URL.
    ///
    /// Everything libpq reads keeps working: multi-host lists with `target_session_attrs`, `sslmode`,
    /// `.pgpass` and the `PG*` environment variables.
    public static func connect(_ conninfo: String) async throws -> Connection {
        try ConnectionString.validate(conninfo)
        let queue = DispatchQueue(label: "pq.connection")
        return try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try open(conninfo, queue: queue) })
            }
        }
    }

    private static func open(_ conninfo: String, queue: DispatchQueue) throws -> Connection {
        guard let handle = PQconnectdb(conninfo) else {
            throw PostgresError(.connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message: ConnectionString.explain(message))
        }
        // The binary protocol carries text as the client encoding; UTF-8 is what Swift strings are.
        guard PQsetClientEncoding(handle, "UTF8") == 0 else {
            PQfinish(handle)
            throw PostgresError(.connectionFailed, message: "the server refused client_encoding UTF8")
        }
        return Connection(handle: handle, queue: queue)
    }

    // MARK: Running statements

    /// Runs one statement and returns its rows.
    @discardableResult
    public func query(_ statement: SQL) async throws -> QueryResult {
        #if os(Linux)
            // A statement this connection has prepared goes alone, outside pipeline mode, as pgbench sends
            // it: the pipeline's bookkeeping is most of what a one-row read costs the client.
            let encoded = try EncodedStatement(statement)
            if let result = try await withoutBlockingIfFree({ try await runPreparedWithoutBlocking(encoded) }),
                let rows = result
            {
                return rows
            }
        #endif
        return try await pipeline([statement])[0]
    }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    public func execute(_ statement: SQL) async throws -> Int {
        try await query(statement).affectedRows
    }

    /// Sends all statements at once and waits once: the whole list costs one network round trip.
    ///
    /// The first error is thrown after every result has been read, so the connection stays usable.
    public func pipeline(_ statements: [SQL]) async throws -> [QueryResult] {
        try await pipeline(segments: [statements])[0].get()
    }

    /// Sends several segments at once and waits once, each segment ended by a sync point: its statements
    /// outside BEGIN ... COMMIT commit together at its end, and an error skips the rest of its own segment
    /// only. Returns each segment's results, or its first error, in order; the connection stays usable.
    ///
    /// A segment that fails between BEGIN and COMMIT leaves its transaction open and aborted, so every later
    /// segment fails too (and the caller must roll back): such a segment belongs last.
    public func pipeline(segments: [[SQL]]) async throws -> [Result<[QueryResult], any Error>] {
        try await pipeline(encoded: segments.map { try $0.map(EncodedStatement.init) })
    }

    /// `pipeline(segments:)` for statements already encoded; each segment's results leave out those of
    /// statements that keep no rows.
    func pipeline(encoded: [[EncodedStatement]]) async throws -> [Result<[QueryResult], any Error>] {
        #if os(Linux)
            if let results = try await withoutBlockingIfFree({ try await runPipelineWithoutBlocking(encoded) }) {
                return results
            }
        #endif
        // In use by another task (or no reactor on this platform): wait in line on the queue.
        return try await run { connection in try connection.runPipeline(encoded) }
    }

    /// Runs SQL text through the simple-query protocol: several statements, no parameters (migrations).
    public func simpleQuery(_ text: String) async throws {
        #if os(Linux)
            if try await withoutBlockingIfFree({ try await runSimpleQueryWithoutBlocking(text) }) != nil { return }
        #endif
        try await run { connection in
            guard let result = PQexec(connection.handle, text) else { throw connection.connectionError() }
            defer { PQclear(result) }
            try connection.check(result)
        }
    }

    /// The connection's transaction state, as libpq last saw it.
    public var transactionStatus: TransactionStatus {
        get async {
            if let status = transactionStatusIfFree { return status }
            return (try? await run { TransactionStatus(PQtransactionStatus($0.handle)) }) ?? .unknown
        }
    }

    /// `transactionStatus` read on the spot, nil when another task is using the connection. Reading libpq's
    /// field never blocks: no need to go through the queue (or an async frame) when nothing else runs.
    var transactionStatusIfFree: TransactionStatus? {
        withExclusiveIfFree { TransactionStatus(PQtransactionStatus($0.handle)) }
    }

    /// Whether the connection still works, judged without a round trip: a server that went away has
    /// closed the socket, which shows up as readable with nothing to consume.
    public func isAlive() async -> Bool {
        // The probe polls with a zero timeout and reads only what is there: it never blocks.
        if let alive = withExclusiveIfFree({ $0.probe() }) { return alive }
        return (try? await run { connection in connection.probe() }) ?? false
    }

    /// `isAlive` for a pool about to lend the connection. Where the reactor has watched the idle socket all
    /// along and seen nothing come, it is alive without a look of its own: the look is a system call, as much
    /// as a tenth of what a one-row read costs the client.
    func isAliveToLend() async -> Bool {
        if isQuietToLend { return true }
        return await isAlive()
    }

    /// Whether the reactor has watched the idle socket all along and seen nothing come: alive, told without a
    /// look of its own. False says nothing either way.
    var isQuietToLend: Bool {
        #if os(Linux)
            let quiet = withExclusiveIfFree { connection in
                !connection.closed && connection.reactor.isQuiet(PQsocket(connection.handle), owner: connection.number)
            }
            return quiet == true
        #else
            return false
        #endif
    }

    /// Takes `exclusive` if it is free, without waiting.
    func tryExclusive() -> Bool {
        exclusive.wait(timeout: Self.withoutWaiting) == .success
    }

    /// `DISPATCH_TIME_NOW` itself (raw 0, as Linux's Dispatch keeps it): a try that fails returns at once. Any
    /// other deadline, even one long past, goes to a timed wait (two clock reads and a futex call, 0.1 ms measured),
    /// and `DispatchTime.now()` also reads the clock for every statement.
    private static let withoutWaiting = DispatchTime(uptimeNanoseconds: 0)

    /// Runs a short, non-blocking `body` on the calling thread when no one else is using the connection.
    private func withExclusiveIfFree<T>(_ body: (Connection) -> T) -> T? {
        guard tryExclusive() else { return nil }
        defer { exclusive.signal() }
        return body(self)
    }

    /// Runs `body` with the raw `PGconn *`, on the connection's queue; the escape hatch for what is not wrapped.
    public func withUnsafeHandle<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T
    {
        try await run { try body($0.handle) }
    }

    /// Closes the connection; later calls fail with `.connectionLost`.
    public func close() async {
        _ = try? await run { connection in
            connection.closed = true
        }
    }

    // MARK: On the queue

    func run<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let ticket = WorkTicket()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                queue.async {
                    continuation.resume(with: Result { try self.guarded(ticket, body) })
                }
            }
        } onCancel: {
            self.requestCancel(ticket)
        }
    }

    private func guarded<T>(_ ticket: WorkTicket, _ body: (Connection) throws -> T) throws -> T {
        // A dispatch thread, not the cooperative pool, waits here if a task is using the connection.
        exclusive.wait()
        defer { exclusive.signal() }
        try beginWork(ticket)
        defer { endWork() }
        return try body(self)
    }

    /// Marks the connection busy with `ticket`'s work (so cancelling reaches the server); call with
    /// `exclusive` held.
    func beginWork(_ ticket: WorkTicket) throws {
        let cancelled = cancelLock.withLock { _ in
            busy = true
            work &+= 1
            ticket.work = work
            return ticket.cancelled
        }
        if cancelled {
            endWork()
            throw PostgresError(.queryCancelled, message: "the task was cancelled before the query ran")
        }
        if closed {
            endWork()
            throw PostgresError(.connectionLost, message: "the connection is closed")
        }
    }

    func endWork() {
        cancelLock.withLock { _ in busy = false }
    }

    /// Asks the server to cancel what this connection is running; PQcancel is the thread-safe way to do so.
    ///
    /// Sent from a thread of its own, not the cancelling one: PQcancel opens a connection to the server and
    /// waits for it, and the canceller may be an event loop (a handler's task group cancelling its siblings),
    /// which an unreachable server would stall for the whole connect timeout. The lock is not held meanwhile,
    /// so the connection's own work never waits for a cancel; one that arrives after its work ended is
    /// dropped (the server may still see it late, as any cancel can arrive late). Only `ticket`'s work is
    /// cancelled: not another task's that runs meanwhile, nor whatever runs after it.
    func requestCancel(_ ticket: WorkTicket) {
        let target = cancelLock.withLock { _ -> UInt64? in
            ticket.cancelled = true
            guard busy, cancelHandle != nil, let mine = ticket.work, mine == work else { return nil }
            return mine
        }
        guard let target else { return }
        // A queue of its own per cancel (cancels are rare): a queue made by its label gets a thread even when
        // the others are busy, and one cancel stuck on an unreachable server holds up no other.
        DispatchQueue(label: "pq.cancel").async { [self] in
            // `self` is held until this returns, so the handle (freed in deinit) outlives the call.
            guard let handle = cancelLock.withLock({ _ in busy && work == target ? cancelHandle : nil }) else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(handle, &buffer, Int32(buffer.count))
        }
    }

    private func probe() -> Bool {
        guard !closed, PQstatus(handle) == CONNECTION_OK else { return false }
        // A server that shut down sent a FATAL message and then closed: the first read gets the message,
        // a second one sees the end of the stream. Idle sockets are not readable at all.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            if PQconsumeInput(handle) == 0 { return false }
            while let notice = PQnotifies(handle) { PQfreemem(notice) }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    private func runPipeline(_ segments: [[EncodedStatement]]) throws -> [Result<[QueryResult], any Error>] {
        let expected = try sendPipeline(segments)
        var outcome = PipelineOutcome(segments: segments.count)
        for item in expected {
            if case .sync = item {
                guard let result = PQgetResult(handle) else {
                    outcome.fail(connectionError())
                    break
                }
                let status = PQresultStatus(result)
                PQclear(result)
                guard status == PGRES_PIPELINE_SYNC else {
                    outcome.fail(PostgresError(.client, message: "the pipeline's results are out of step"))
                    break
                }
                outcome.endSegment()
                continue
            }
            do {
                if let rows = try take(try readResult(), for: item, of: segments) { outcome.append(rows) }
            } catch {
                outcome.record(error, query: Self.text(of: item, in: segments))
                if PQstatus(handle) != CONNECTION_OK {
                    outcome.fail(error)
                    break
                }
            }
        }
        drainPipeline()
        return outcome.segments
    }

    /// Takes one pipeline result, blocking or not: a prepare's is checked, freed and its statement cached; a
    /// statement's result becomes its rows. Throws the server's error for either.
    func take(_ result: OpaquePointer, for item: Expected, of segments: [[EncodedStatement]]) throws -> QueryResult? {
        switch item {
        case .prepare(let position, let name):
            defer { PQclear(result) }
            try check(result)
            preparedStatements[segments[position.segment][position.index].key] = name
            return nil
        case .rows:
            let rows = QueryResult(taking: result)
            try checkPrepared(result)
            return rows
        case .effect:
            defer { PQclear(result) }
            try checkPrepared(result)
            return nil
        case .sync:
            PQclear(result)
            return nil
        }
    }

    /// Enters pipeline mode and queues every segment's statements, each segment followed by a sync point; on
    /// failure leaves pipeline mode.
    func sendPipeline(_ segments: [[EncodedStatement]]) throws -> [Expected] {
        guard PQenterPipelineMode(handle) == 1 else { throw connectionError() }
        // libpq before 17 flushes at every sync point: without the cork, a segment could reach the server, and
        // its answer come back, before the next is written (a second round trip on a busy machine).
        let corked = segments.count > 1 && setCork(true)
        defer { if corked { _ = setCork(false) } }
        var expected: [Expected] = []
        expected.reserveCapacity(segments.reduce(segments.count) { $0 + $1.count })
        do {
            for segment in segments.indices {
                // Names prepared earlier in this segment only: an error skips the rest of its segment, preparing
                // included, so a name from an earlier segment may never have been made.
                var preparing: [StatementKey: String] = [:]
                let statements = segments[segment]
                for index in statements.indices {
                    try send(
                        statements[index], at: Position(segment: segment, index: index), preparing: &preparing,
                        into: &expected)
                }
                guard PQpipelineSync(handle) == 1 else { throw connectionError() }
                expected.append(.sync)
            }
        } catch {
            drainPipeline()
            throw error
        }
        return expected
    }

    /// Holds (or releases and sends) partial TCP segments; false where the socket is not TCP (a unix socket).
    private func setCork(_ on: Bool) -> Bool {
        #if os(Linux)
            var value: Int32 = on ? 1 : 0
            return setsockopt(
                PQsocket(handle), Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0
        #else
            return false
        #endif
    }

    /// A result the pipeline's reader expects, naming its statement by position: no text or key to copy (and
    /// retain) for every statement sent and every result read, only looked up for an error or a new name.
    enum Expected {
        case prepare(Position, name: String)
        case rows(Position)
        /// A statement whose result is checked and freed, not returned.
        case effect(Position)
        /// The end of a segment.
        case sync
    }

    struct Position {
        let segment: Int
        let index: Int
    }

    /// The text of the statement `item` stands for, for an error to name.
    static func text(of item: Expected?, in segments: [[EncodedStatement]]) -> String? {
        switch item {
        case .prepare(let position, _), .rows(let position), .effect(let position):
            return segments[position.segment][position.index].text
        case .sync, nil: return nil
        }
    }

    /// Queues one statement, preparing it first when this connection has not seen it (in this segment either).
    private func send(
        _ statement: EncodedStatement, at position: Position, preparing: inout [StatementKey: String],
        into expected: inout [Expected]
    ) throws {
        var name = preparedStatements[statement.key]
        if name == nil { name = preparing[statement.key] }
        if name == nil && preparedStatements.count < Self.preparedStatementLimit {
            statementCounter += 1
            let newName = "pq_\(statementCounter)"
            preparing[statement.key] = newName
            guard PQsendPrepare(handle, newName, statement.text, Int32(statement.values.count), nil) == 1 else {
                throw connectionError()
            }
            expected.append(.prepare(position, name: newName))
            name = newName
        }
        let sent: Int32
        if let name {
            sent = statement.withCValues { sendPrepared(name, $0) }
        } else {
            let text = statement.text
            sent = statement.withCValues { values in
                PQsendQueryParams(handle, text, Int32(values.count), nil, values.baseAddress, nil, nil, 1)
            }
        }
        guard sent == 1 else { throw connectionError() }
        expected.append(statement.keepsRows ? .rows(position) : .effect(position))
    }

    /// The next command's result; libpq follows each with a NULL, which is consumed here.
    private func readResult() throws -> OpaquePointer {
        guard let result = PQgetResult(handle) else { throw connectionError() }
        // Commands after a failed one in the same pipeline are skipped by the server.
        if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
            PQclear(result)
            _ = PQgetResult(handle)
            throw PostgresError(.server, message: "skipped: an earlier statement in the pipeline failed")
        }
        // In pipeline mode each command's results end with one NULL.
        if let unexpected = PQgetResult(handle) { PQclear(unexpected) }
        return result
    }

    /// Reads up to and including the last sync point, then leaves pipeline mode.
    private func drainPipeline() {
        while PQstatus(handle) == CONNECTION_OK {
            guard let result = PQgetResult(handle) else {
                if PQexitPipelineMode(handle) == 1 { return }
                continue
            }
            let status = PQresultStatus(result)
            PQclear(result)
            // Leaving fails while another segment's results are still to come.
            if status == PGRES_PIPELINE_SYNC && PQexitPipelineMode(handle) == 1 { return }
        }
    }

    /// Throws the result's error, if it carries one; the caller still owns (and frees) the result.
    func check(_ result: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_SINGLE_TUPLE:
            return
        default:
            throw serverError(result)
        }
    }

    /// Sends a prepared statement, asking for binary results. `withCString`, not the String as the argument:
    /// that conversion copies it into a new array on every call.
    func sendPrepared(_ name: String, _ values: UnsafeBufferPointer<UnsafePointer<CChar>?>) -> Int32 {
        name.withCString { PQsendQueryPrepared(handle, $0, Int32(values.count), values.baseAddress, nil, nil, 1) }
    }

    /// `check` for a prepared statement's result. When the server no longer has it (DISCARD ALL, DEALLOCATE,
    /// a pooler's reset), every statement this connection prepared is forgotten and prepared again on its next
    /// use, rather than failing on this connection from then on.
    func checkPrepared(_ result: OpaquePointer) throws {
        do {
            try check(result)
        } catch let error as PostgresError where error.sqlState == Self.preparedStatementMissing {
            preparedStatements.removeAll()
            throw error
        }
    }

    static let preparedStatementMissing = "26000"

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        guard let state = field("C") else {
            if PQstatus(handle) != CONNECTION_OK { return connectionError() }
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            return PostgresError(.client, message: message.isEmpty ? "unknown libpq error" : message)
        }
        return PostgresError(
            PostgresError.kind(forSQLState: state), sqlState: state, message: field("M") ?? "",
            detail: field("D"), hint: field("H"), constraint: field("n"), table: field("t"), column: field("c"),
            schema: field("s"))
    }

    func connectionError() -> PostgresError {
        let message = String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
        let kind: PostgresError.Kind = PQstatus(handle) == CONNECTION_OK ? .client : .connectionLost
        return PostgresError(kind, message: message.isEmpty ? "the connection failed" : message)
    }

    // MARK: COPY

    /// Loads rows with `COPY ... FROM STDIN` (text format) and returns how many were written.
    ///
    /// `statement` names the table and columns only, e.g. `COPY leaders (org_id, name) FROM STDIN`;
    /// the values travel as COPY data, escaped here, never as SQL.
    public func copyIn(_ statement: String, rows: [[any PostgresEncodable]]) async throws -> Int {
        var buffer = ""
        var chunks: [String] = []
        for row in rows {
            buffer += try CopyText.line(row)
            if buffer.utf8.count > 256 * 1024 {
                chunks.append(buffer)
                buffer = ""
            }
        }
        if !buffer.isEmpty { chunks.append(buffer) }
        let payload = chunks
        return try await run { connection in try connection.runCopy(statement, chunks: payload) }
    }

    private func runCopy(_ statement: String, chunks: [String]) throws -> Int {
        guard let start = PQexec(handle, statement) else { throw connectionError() }
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start)
            throw PostgresError(.client, message: "\(statement) did not start a COPY FROM STDIN")
        }
        PQclear(start)
        var failure: String?
        for chunk in chunks {
            let sent = chunk.withCString { PQputCopyData(handle, $0, Int32(strlen($0))) }
            if sent != 1 {
                failure = String(cString: PQerrorMessage(handle))
                break
            }
        }
        guard PQputCopyEnd(handle, failure) == 1 else { throw connectionError() }
        guard let result = PQgetResult(handle) else { throw connectionError() }
        while let extra = PQgetResult(handle) { PQclear(extra) }
        defer { PQclear(result) }
        try check(result)
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }
}

/// One caller's claim on a connection's work, so that its cancel reaches its own work only: a cancel that
/// comes before the work begins stops it from running, and one that comes after it ended (a caller on a busy
/// actor resumes late) is dropped rather than left to fail the next caller's statement.
final class WorkTicket: @unchecked Sendable {
    // Guarded by the connection's `cancelLock`.
    fileprivate var cancelled = false
    /// The connection's work counter for this work, once it began.
    fileprivate var work: UInt64?
}

/// What libpq reports of the connection's transaction.
public enum TransactionStatus: Sendable {
    case idle, active, inTransaction, failedTransaction, unknown

    init(_ status: PGTransactionStatusType) {
        switch status {
        case PQTRANS_IDLE: self = .idle
        case PQTRANS_ACTIVE: self = .active
        case PQTRANS_INTRANS: self = .inTransaction
        case PQTRANS_INERROR: self = .failedTransaction
        default: self = .unknown
        }
    }
}
