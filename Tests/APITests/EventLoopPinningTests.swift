import ConcordTestSupport
import NIOCore
import NIOPosix
import PQ
import Testing

@testable import ConcordAPI

/// A connection's handler task, preferring its event loop, runs on that loop's thread from start to end: also
/// after awaiting a database answer, which PQ's reactor thread hands back.
@Suite struct EventLoopPinningTests {
    @Test func aTaskPreferringALoopStaysOnItAcrossDatabaseAnswers() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let database = try await TestDatabase.shared.create()
        let pool = database.pool()
        for loop in [group.next(), group.next()] {
            let onLoop = try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
                var seen = [loop.inEventLoop]
                for _ in 0..<5 {
                    let result = try await pool.withConnection { try await $0.query("SELECT 1 AS one") }
                    #expect(try result.first?.decode("one", as: Int32.self) == 1)
                    seen.append(loop.inEventLoop)
                }
                return seen
            }
            #expect(onLoop == Array(repeating: true, count: 6))
        }
        await pool.close()
        try await group.shutdownGracefully()
    }
}
