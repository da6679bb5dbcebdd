import Foundation
import LocalPostgres
import Synchronization
import Testing

/// `onThreadOfItsOwn`, which the test support runs child processes through: blocking work waits on threads of
/// its own, so more of it at once than the cooperative pool has threads leaves the pool free for other tasks.
@Suite struct OwnThreadTests {
    @Test(.timeLimit(.minutes(1))) func moreBlockedWaitsThanCoresLeaveOtherTasksRunning() async throws {
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 2
        let entered = Count()
        let release = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<blockers {
                group.addTask {
                    try await onThreadOfItsOwn {
                        entered.value.add(1, ordering: .sequentiallyConsistent)
                        // Bounded, so a failing run ends: had the waits held the pool's threads, this task
                        // could not run until they gave up, and they report that they were not released.
                        return release.wait(timeout: .now() + 10) == .success
                    }
                }
            }
            // This task runs while every wait is blocked.
            while entered.value.load(ordering: .sequentiallyConsistent) < blockers {
                try await Task.sleep(for: .milliseconds(5))
            }
            for _ in 0..<blockers { release.signal() }
            var released = 0
            for try await wasReleased in group where wasReleased { released += 1 }
            #expect(released == blockers)
        }
    }

    @Test func anErrorThrownOnTheThreadReachesTheCaller() async {
        struct Refused: Error {}
        await #expect(throws: Refused.self) { try await onThreadOfItsOwn { () throws -> Int in throw Refused() } }
    }
}

private final class Count: Sendable {
    let value = Atomic(0)
}
