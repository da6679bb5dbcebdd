#if os(Linux)
    import CCPUAffinity
    import CLibPQ

    /// Statements without a thread hop: the calling task sends them with libpq in non-blocking mode, waits
    /// for the answer in its epoll `Reactor` and reads it without blocking. No thread waits on the
    /// connection's socket, and libpq never blocks Swift's cooperative pool.
    extension Connection {
        /// Runs `body` with libpq in non-blocking mode when no one else is using the connection, with task
        /// cancellation reaching the server; nil (and `body` not run) when the connection is in use.
        func withoutBlockingIfFree<T>(_ body: () async throws -> T) async throws -> T? {
            guard tryExclusive() else { return nil }
            defer {
                followInput()
                exclusive.signal()
            }
            let ticket = WorkTicket()
            // The executor-inheriting form: the `isolation:` one adds hops to the caller's executor around the
            // handler, and with a task executor preference every hop locks the task's status to look the preference
            // up. (The operation closure itself still hops once: the standard library declares its type without
            // NonisolatedNonsendingByDefault, so it is `@concurrent`.)
            return try await _unsafeInheritExecutor_withTaskCancellationHandler {
                try beginWork(ticket)
                defer { endWork() }
                guard PQsetnonblocking(handle, 1) == 0 else { throw connectionError() }
                // The queue's blocking calls (COPY, connecting) expect libpq in blocking mode.
                defer { _ = PQsetnonblocking(handle, 0) }
                return try await body()
            } onCancel: {
                self.requestCancel(ticket)
            }
        }

        /// With the reactors bound to CPUs, every 16th use (a statement, or a pipeline) moves the connection to
        /// the reactor bound to the CPU where the kernel now handles the socket's input, when that is another
        /// reactor's; call with `exclusive` held.
        ///
        /// Over loopback that CPU is the server process's own (it sends, and the kernel handles the packet
        /// there); from a network card, the CPU of its receive queue. A statement sent from the thread on that
        /// CPU wakes the server process where it already is, and the answer is read where it arrived. Left
        /// on the other core, a quarter of the server's wake-ups crossed cores, each with an interrupt, against
        /// a twentieth behind pgbench, whose threads the scheduler pairs with their servers by itself
        /// (Benchmarks/PQBenchmark/README.md).
        private func followInput() {
            guard let here = reactor.boundCPU else { return }
            statementsRun &+= 1
            guard statementsRun & 15 == 0 else { return }
            let socket = PQsocket(handle)
            let incoming = ccpu_socket_incoming(socket)
            guard incoming >= 0, incoming != here, let target = Reactor.bound(to: incoming, for: number),
                target !== reactor
            else { return }
            reactor.forget(socket, owner: number)
            reactor = target
            Connection.moves.add(1, ordering: .relaxed)
        }

        /// `runPipeline` without blocking: every libpq call here returns at once (`PQgetResult` is only
        /// called when `PQisBusy` says a result is complete).
        func runPipelineWithoutBlocking(
            _ segments: [[EncodedStatement]]
        ) async throws -> [Result<[QueryResult], any Error>] {
            var reading = PipelineReading(expected: try sendPipeline(segments), segments: segments)
            if let error = await flushWithoutBlocking() { reading.outcome.fail(error) }
            let socket = PQsocket(handle)
            while !reading.outcome.isComplete {
                await reactor.wait(socket, owner: number)
                guard PQconsumeInput(handle) == 1 else {
                    reading.outcome.fail(connectionError())
                    break
                }
                readAvailable(&reading)
            }
            if PQpipelineStatus(handle) != PQ_PIPELINE_OFF { _ = PQexitPipelineMode(handle) }
            return reading.outcome.segments
        }

        /// One statement this connection has already prepared, sent and read outside pipeline mode; nil when
        /// it is not prepared here yet (nothing sent), or the server no longer has it and nothing else ran.
        func runPreparedWithoutBlocking(_ statement: EncodedStatement) async throws -> QueryResult? {
            guard let name = preparedStatements[statement.key] else { return nil }
            let sent = statement.withCValues { values in sendPrepared(name, values) }
            guard sent == 1 else { throw connectionError() }
            if let error = await flushWithoutBlocking() { throw error }
            // One result, then libpq's NULL; an error is the one result.
            var kept: OpaquePointer?
            defer { if let kept { PQclear(kept) } }
            while true {
                try await awaitWholeResult()
                guard let result = PQgetResult(handle) else { break }
                if kept == nil { kept = result } else { PQclear(result) }
            }
            guard let first = kept else { throw connectionError() }
            kept = nil
            let rows = QueryResult(taking: first)
            do {
                try checkPrepared(first)
            } catch var error as PostgresError {
                // Not found, so not run: outside a transaction it can go again, prepared anew.
                if error.sqlState == Self.preparedStatementMissing && PQtransactionStatus(handle) == PQTRANS_IDLE {
                    return nil
                }
                error.query = statement.text
                throw error
            }
            return rows
        }

        /// `PQexec` without blocking: the simple-query protocol, results read as they arrive. Like `PQexec`,
        /// the last result counts unless an earlier one failed, and a COPY ends the reading.
        func runSimpleQueryWithoutBlocking(_ text: String) async throws {
            guard PQsendQuery(handle, text) == 1 else { throw connectionError() }
            if let error = await flushWithoutBlocking() { throw error }
            var kept: OpaquePointer?
            defer { if let kept { PQclear(kept) } }
            while true {
                try await awaitWholeResult()
                guard let result = PQgetResult(handle) else { break }
                let status = PQresultStatus(result)
                if let previous = kept, PQresultStatus(previous) == PGRES_FATAL_ERROR {
                    PQclear(result)
                } else {
                    if let previous = kept { PQclear(previous) }
                    kept = result
                }
                if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { break }
            }
            guard let kept else { throw connectionError() }
            try check(kept)
        }

        /// Returns once libpq holds a whole result (or knows none is coming), so `PQgetResult` will not block.
        private func awaitWholeResult() async throws {
            let socket = PQsocket(handle)
            while PQisBusy(handle) == 1 {
                await reactor.wait(socket, owner: number)
                guard PQconsumeInput(handle) == 1 else { throw connectionError() }
            }
        }

        /// Sends what did not fit in the socket's buffer as the server reads it; reading meanwhile, as libpq
        /// asks, so a server that is itself waiting for us to read cannot deadlock the two.
        private func flushWithoutBlocking() async -> PostgresError? {
            // Nearly always all of it went at once: no async frame for that.
            let flushed = PQflush(handle)
            if flushed == 0 { return nil }
            if flushed < 0 { return connectionError() }
            return await flushTheRest()
        }

        private func flushTheRest() async -> PostgresError? {
            let socket = PQsocket(handle)
            while true {
                if socket < 0 { return connectionError() }
                await reactor.wait(socket, owner: number, orWritable: true)
                if PQconsumeInput(handle) == 0 { return connectionError() }
                let flushed = PQflush(handle)
                if flushed == 0 { return nil }
                if flushed < 0 { return connectionError() }
            }
        }

        /// Where the reading of a pipeline's results stands.
        private struct PipelineReading {
            let expected: [Expected]
            let segments: [[EncodedStatement]]
            var next = 0
            /// libpq ends each command's results with a NULL, read before the next command's (a sync point's
            /// result has none).
            var awaitingEnd = false
            /// Complete once every sync point has been read, or the connection is gone.
            var outcome: PipelineOutcome

            init(expected: [Expected], segments: [[EncodedStatement]]) {
                self.expected = expected
                self.segments = segments
                outcome = PipelineOutcome(segments: segments.count)
            }
        }

        /// Takes every result that has fully arrived, in the same order and with the same outcome as
        /// `runPipeline`; a segment's first error is kept and the rest are still read, so the connection stays
        /// usable.
        private func readAvailable(_ reading: inout PipelineReading) {
            while !reading.outcome.isComplete && PQisBusy(handle) == 0 {
                let result = PQgetResult(handle)
                if reading.awaitingEnd {
                    if let result { PQclear(result) }
                    reading.awaitingEnd = false
                    continue
                }
                guard reading.next < reading.expected.count else {
                    if let result { PQclear(result) }
                    reading.outcome.fail(PostgresError(.client, message: "the pipeline's results are out of step"))
                    break
                }
                let item = reading.expected[reading.next]
                if case .sync = item {
                    guard let result else {
                        // Nothing more yet: the sync point is still on its way (or the connection is gone).
                        if PQstatus(handle) != CONNECTION_OK { reading.outcome.fail(connectionError()) }
                        break
                    }
                    let status = PQresultStatus(result)
                    PQclear(result)
                    if status == PGRES_PIPELINE_SYNC {
                        reading.next += 1
                        reading.outcome.endSegment()
                    }
                    continue
                }
                reading.next += 1
                guard let result else {
                    reading.outcome.record(connectionError(), query: Self.text(of: item, in: reading.segments))
                    if PQstatus(handle) != CONNECTION_OK { reading.outcome.fail(connectionError()) }
                    continue
                }
                reading.awaitingEnd = true
                if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                    reading.outcome.record(
                        PostgresError(.server, message: "skipped: an earlier statement in the pipeline failed"),
                        query: Self.text(of: item, in: reading.segments))
                    continue
                }
                do {
                    if let rows = try take(result, for: item, of: reading.segments) { reading.outcome.append(rows) }
                } catch {
                    reading.outcome.record(error, query: Self.text(of: item, in: reading.segments))
                }
            }
            if PQstatus(handle) != CONNECTION_OK && !reading.outcome.isComplete {
                reading.outcome.fail(connectionError())
            }
        }
    }
#endif
