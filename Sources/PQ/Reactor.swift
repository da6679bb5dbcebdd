#if os(Linux)
    import Foundation
    import CLibPQ
    import Glibc
    import Synchronization

    /// A thread that waits, with epoll, for the sockets of the connections it watches while they have a
    /// query in flight.
    ///
    /// A query sent without blocking (libpq's non-blocking mode) parks its task here until the server's
    /// answer can be read; the thread then resumes the task. One wake-up of this thread serves every socket
    /// that became ready meanwhile, where a thread per query would cost two thread switches per statement,
    /// which on a small machine costs as much CPU as the server spends answering.
    ///
    /// There are `Reactor.all.count` of them (one per core unless `PQ_REACTORS` says otherwise), each
    /// watching the connections it was given when they opened: one thread alone leaves a core idle whenever
    /// every backend waits for it (pgbench with one thread for 32 clients gets 0.6 of its speed with two).
    ///
    /// A reactor is also a `TaskExecutor`: tasks that prefer it (`withTaskExecutorPreference`) run on its
    /// thread, so a statement's answer on one of its connections resumes them there without handing them
    /// to another thread; the pool lends such tasks the reactor's own connections first.
    /// `@unchecked Sendable`: its mutable state (`waiters`, `jobs`, `sleeping`) is only touched under `lock`,
    /// and the descriptors are set once in `init`.
    final class Reactor: TaskExecutor, @unchecked Sendable {
        /// Started on first use; `PQ_REACTORS` (a positive number) overrides one per active core.
        static let all: [Reactor] = {
            var count = max(1, ProcessInfo.processInfo.activeProcessorCount)
            if let configured = ProcessInfo.processInfo.environment["PQ_REACTORS"], !configured.isEmpty {
                // A bad value stops the process, as the other settings' do, rather than quietly meaning one.
                guard let number = Int(configured), (1...1024).contains(number) else {
                    FileHandle.standardError.write(
                        Data("bad configuration: PQ_REACTORS: '\(configured)' is not a whole number in 1...1024\n".utf8)
                    )
                    exit(2)
                }
                count = number
            }
            return (0..<count).map { Reactor(index: $0) }
        }()

        private static let assigned = Mutex(0)

        /// The reactor for a new connection, in turn, so connections spread evenly.
        static func assign() -> Reactor {
            let reactors = all
            let index = assigned.withLock { next in
                defer { next = (next + 1) % reactors.count }
                return next
            }
            return reactors[index]
        }

        /// The reactor whose thread runs the caller, if any.
        static var current: Reactor? {
            guard let reactor = pthread_getspecific(threadKey) else { return nil }
            return Unmanaged<Reactor>.fromOpaque(reactor).takeUnretainedValue()
        }

        private static let threadKey: pthread_key_t = {
            var key = pthread_key_t()
            precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
            return key
        }()

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

        private init(index: Int) {
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
            let thread = Thread { [unowned self] in
                // Reactors live as long as the process (`all` holds them).
                pthread_setspecific(Self.threadKey, Unmanaged.passUnretained(self).toOpaque())
                self.loop()
            }
            thread.name = "pq.reactor.\(index)"
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
    /// The threads that wait for the connections' sockets, as task executors (Linux; empty elsewhere).
    ///
    /// Optional: a task that runs its statements under `withTaskExecutorPreference(Connection.executors[i])`
    /// is resumed on that thread when an answer arrives, instead of being handed to Swift's global pool, and
    /// a pool lends it that thread's connections first. Only for short work between statements: everything
    /// else such tasks do waits behind it. Spread such tasks over all of them.
    public static var executors: [any TaskExecutor] {
        #if os(Linux)
            return Reactor.all
        #else
            return []
        #endif
    }

    /// The thread that watches this connection's socket (nil where there are no reactors).
    var watcher: ObjectIdentifier? {
        #if os(Linux)
            return ObjectIdentifier(reactor)
        #else
            return nil
        #endif
    }

    /// The watching thread that runs the caller, if it runs on one.
    static var currentWatcher: ObjectIdentifier? {
        #if os(Linux)
            return Reactor.current.map(ObjectIdentifier.init)
        #else
            return nil
        #endif
    }
}
