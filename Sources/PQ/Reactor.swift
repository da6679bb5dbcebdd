#if os(Linux)
    import Foundation
    import CLibPQ
    import Glibc

    /// One thread that waits, with epoll, for the sockets of every connection with a query in flight.
    ///
    /// A query sent without blocking (libpq's non-blocking mode) parks its task here until the server's
    /// answer can be read; the thread then resumes the task. One wake-up of this thread serves every socket
    /// that became ready meanwhile, where a thread per query would cost two thread switches per statement,
    /// which on a small machine costs as much CPU as the server spends answering.
    ///
    /// The reactor is also a `TaskExecutor`: tasks that prefer it (`withTaskExecutorPreference`) run on its
    /// thread, so a statement's answer resumes them there without handing them to another thread.
    /// `@unchecked Sendable`: its mutable state (`waiters`, `jobs`, `sleeping`) is only touched under `lock`,
    /// and the descriptors are set once in `init`.
    final class Reactor: TaskExecutor, @unchecked Sendable {
        static let shared = Reactor()

        private let epoll: Int32
        /// A pipe that wakes the thread from `epoll_wait` when a job arrives while it sleeps.
        private let wakeRead: Int32
        private let wakeWrite: Int32
        private let lock = NSLock()
        /// Guarded by `lock`; at most one waiter per socket, since a connection runs one thing at a time.
        private var waiters: [Int32: CheckedContinuation<Void, Never>] = [:]
        /// Guarded by `lock`: jobs of tasks that prefer this executor, and whether the thread sleeps.
        private var jobs: [UnownedJob] = []
        private var sleeping = false

        private init() {
            epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
            precondition(epoll >= 0, "epoll_create1 failed: \(String(cString: strerror(errno)))")
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0, "pipe failed: \(String(cString: strerror(errno)))")
            wakeRead = ends[0]
            wakeWrite = ends[1]
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            var event = epoll_event()
            event.events = EPOLLIN.rawValue
            event.data.fd = wakeRead
            precondition(epoll_ctl(epoll, EPOLL_CTL_ADD, wakeRead, &event) == 0, "epoll_ctl failed")
            let thread = Thread { [unowned self] in self.loop() }
            thread.name = "pq.reactor"
            thread.start()
        }

        /// Returns once `socket` is readable (or, with `orWritable`, writable), or has failed.
        ///
        /// A socket that is ready already returns at once: the one-shot registration is level-triggered.
        func wait(_ socket: Int32, orWritable: Bool = false) async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                lock.withLock { waiters[socket] = continuation }
                var events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue
                if orWritable { events |= EPOLLOUT.rawValue }
                var event = epoll_event()
                event.events = events
                event.data.fd = socket
                // Sockets are registered once and re-armed for each wait; a closed socket leaves epoll by
                // itself, so a new connection that gets the same number is added again.
                if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0
                    && epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) != 0
                {
                    // Not a socket epoll can watch (closed meanwhile): let the caller find out from libpq.
                    wake(socket)
                }
            }
        }

        private func wake(_ socket: Int32) {
            lock.withLock { waiters.removeValue(forKey: socket) }?.resume()
        }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            let wake = lock.withLock {
                jobs.append(job)
                defer { sleeping = false }
                return sleeping
            }
            if wake {
                var byte: UInt8 = 1
                _ = write(wakeWrite, &byte, 1)
            }
        }

        private func loop() {
            var events = [epoll_event](repeating: epoll_event(), count: 128)
            var pending: [UnownedJob] = []
            var ready: [CheckedContinuation<Void, Never>] = []
            ready.reserveCapacity(events.count)
            var drain = [UInt8](repeating: 0, count: 64)
            while true {
                // Run the jobs of tasks that prefer this thread, then look at the sockets: without waiting
                // while there is work, otherwise until a socket is ready or a job arrives.
                lock.withLock {
                    swap(&pending, &jobs)
                    sleeping = pending.isEmpty
                }
                for job in pending { job.runSynchronously(on: asUnownedTaskExecutor()) }
                let timeout: Int32 = pending.isEmpty ? -1 : 0
                pending.removeAll(keepingCapacity: true)
                let count = events.withUnsafeMutableBufferPointer {
                    epoll_wait(epoll, $0.baseAddress, Int32($0.count), timeout)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    fatalError("epoll_wait failed: \(String(cString: strerror(errno)))")
                }
                lock.withLock {
                    sleeping = false
                    for index in 0..<Int(count) {
                        let socket = events[index].data.fd
                        if socket == wakeRead { continue }
                        if let continuation = waiters.removeValue(forKey: socket) { ready.append(continuation) }
                    }
                }
                for index in 0..<Int(count) where events[index].data.fd == wakeRead {
                    while read(wakeRead, &drain, drain.count) > 0 {}
                }
                for continuation in ready { continuation.resume() }
                ready.removeAll(keepingCapacity: true)
            }
        }
    }
#endif

extension Connection {
    /// The thread that waits for every connection's socket, as a task executor (Linux; nil elsewhere).
    ///
    /// Optional: a task that runs its statements under `withTaskExecutorPreference(Connection.executor)`
    /// is resumed on that thread when an answer arrives, instead of being handed to Swift's global pool.
    /// Only for short work between statements: everything else such tasks do waits behind it.
    public static var executor: (any TaskExecutor)? {
        #if os(Linux)
            return Reactor.shared
        #else
            return nil
        #endif
    }
}
