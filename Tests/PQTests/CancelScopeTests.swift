import ConcordTestSupport
import Foundation
import PQ
import Testing

/// A task's cancel reaches its own work on a connection, and no one else's.
@Suite struct CancelScopeTests {
    @Test func aCancelThatArrivesAfterTheWorkEndedDoesNotFailTheNextStatement() async throws {
        // PQ's functions run on their caller's executor: a caller on a busy actor resumes only when the actor
        // is free, and a cancel that comes meanwhile comes after its work on the connection ended.
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let owner = ConnectionOwner()
        let user = Task { try await owner.useHandle(of: connection, microseconds: 50_000) }
        try await Task.sleep(for: .milliseconds(20))
        // Holds the actor past the end of the work, so the user's task cannot get back to it yet.
        let blocker = Task { await owner.block(microseconds: 300_000) }
        try await Task.sleep(for: .milliseconds(150))
        user.cancel()
        _ = await user.result
        await blocker.value
        #expect(try await connection.query("SELECT 1::int4 AS n")[0].decode("n", as: Int.self) == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingATaskWaitingForASharedConnectionLeavesTheRunningStatementAlone() async throws {
        let database = try await TestDatabase.shared.create(migrated: false)
        let connection = try await Connection.connect(database.conninfo)
        let monitor = try await Connection.connect(database.conninfo)
        // The monitor holds the lock the statement waits for, so it runs until the monitor lets go, however slow
        // the machine: a cancel that reached the server would end it.
        try await monitor.query("SELECT pg_advisory_lock(42)")
        let running = Task {
            try await connection.query("SELECT pg_advisory_lock(42), 7::int4 AS n")[0].decode("n", as: Int.self)
        }
        // The other task must find the connection busy with it: wait until the server runs it.
        let deadline = ContinuousClock.now + .seconds(30)
        while try await monitor.query(
            """
            SELECT count(*)::int8 FROM pg_stat_activity
            WHERE state = 'active' AND query LIKE 'SELECT pg_advisory_lock(42), 7%'
            """
        )[0].decode(0, as: Int.self) == 0 {
            try #require(ContinuousClock.now < deadline, "the statement was never seen running")
            try await Task.sleep(for: .milliseconds(10))
        }
        let waiting = Task { try await connection.query("SELECT 8::int4 AS n") }
        try await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        // Time for a wrongly sent cancel to reach the server before the statement can end.
        try await Task.sleep(for: .milliseconds(500))
        try await monitor.query("SELECT pg_advisory_unlock(42)")
        #expect(try await running.value == 7)
        let cancelled = await #expect(throws: PostgresError.self) { try await waiting.value }
        #expect(cancelled?.kind == .queryCancelled)
    }
}

/// An actor that uses a connection, and can be kept busy.
actor ConnectionOwner {
    func useHandle(of connection: Connection, microseconds: UInt32) async throws {
        try await connection.withUnsafeHandle { _ in usleep(microseconds) }
    }

    func block(microseconds: UInt32) {
        usleep(microseconds)
    }
}
