#if os(Linux)
    import Foundation
    import CCPUAffinity
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
    final class Reactor: TaskExecutor {
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
            var allowed = [Int32](repeating: 0, count: 1024)
            let found = max(0, Int(ccpu_allowed(&allowed, Int32(allowed.count))))
            let binding = ProcessInfo.processInfo.environment["PQ_REACTOR_BINDING"]
            guard let cpus = placement(binding, reactors: count, allowed: Array(allowed[..<found])) else {
                FileHandle.standardError.write(
                    Data("bad configuration: PQ_REACTOR_BINDING: '\(binding ?? "")' is not none or cpu\n".utf8))
                exit(2)
            }
            return (0..<count).map { Reactor(index: $0, boundCPU: cpus[$0]) }
        }()

        /// The CPU each reactor's thread is bound to under the `PQ_REACTOR_BINDING` setting; nil for a setting
        /// that is neither `none` (the default: the scheduler places them) nor `cpu` (each bound to a CPU of its
        /// own among `allowed`, the process's, in turn when there are more reactors than CPUs).
        ///
        /// Bound, the threads keep to their cores, and each connection moves to the reactor on the CPU where its
        /// answers arrive (`Connection.followInput`). That pays where tasks run on the reactors
        /// (`Connection.executors`), as in `pq-benchmark`. Threads a reactor starts inherit its binding, and
        /// resuming a task of Swift's global pool can make Dispatch start a worker thread from it: leave it off
        /// where most tasks run elsewhere.
        static func placement(_ setting: String?, reactors: Int, allowed: [Int32]) -> [Int32?]? {
            switch setting.flatMap({ $0.isEmpty ? nil : $0 }) ?? "none" {
            case "none": return Array(repeating: nil, count: reactors)
            case "cpu":
                if allowed.isEmpty { return Array(repeating: nil, count: reactors) }
                return (0..<reactors).map { allowed[$0 % allowed.count] }
            default: return nil
            }
        }

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
        /// Its place in `all`.
        let index: Int
        /// The CPU the thread is bound to (`PQ_REACTOR_BINDING=cpu`), or nil.
        let boundCPU: Int32?
        /// A pipe that wakes the thread from `epoll_wait` when a job arrives while it sleeps.
        private let wakeRead: Int32
        private let wakeWrite: Int32
        private let lock = Locked(Watch())
        /// Jobs this reactor's own thread enqueued (the continuations it resumes, mostly): touched by that
        /// thread only, so they need no lock, where `Watch.jobs` costs a lock for every statement.
        nonisolated(unsafe) private var ownJobs: [UnownedJob] = []

        /// What the reactor knows of the sockets it watches, and its queue of jobs; guarded by `lock`.
        private struct Watch {
            /// Indexed by socket number: socket numbers are small and reused, so a table beats hashing.
            var sockets: [Socket] = []
            /// Jobs of tasks that prefer this executor, and whether the thread sleeps.
            var jobs: [UnownedJob] = []
            var sleeping = false

            /// The entry for `socket`, made fresh when a different connection now has that number.
            mutating func entry(_ socket: Int32, owner: UInt64) -> Int {
                let index = Int(socket)
                if index >= sockets.count {
                    sockets.append(contentsOf: repeatElement(Socket(), count: max(index + 1 - sockets.count, 64)))
                }
                if sockets[index].owner != owner { sockets[index] = Socket(owner: owner) }
                return index
            }
        }

        /// One socket: at most one waiter, since a connection runs one thing at a time.
        private struct Socket {
            var owner: UInt64 = 0
            var waiter: UnsafeContinuation<Void, Never>?
            var registration = Registration.unknown
            /// Input or a hang-up came while nobody waited: the server said something unasked (a shutdown's
            /// last message), so the connection must be looked at before it is lent again.
            var unsolicited = false
        }

        /// How the socket is registered with epoll.
        private enum Registration {
            /// One-shot, armed or fired, or a new owner's socket: re-armed with MOD, else ADD.
            case unknown
            /// Not registered (removed after input came while nobody waited).
            case absent
            /// Level-triggered for input, for as long as its waiters run on this thread.
            case lasting
        }

        private init(index: Int, boundCPU: Int32?) {
            self.index = index
            self.boundCPU = boundCPU
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
            startNamedThread("pq.reactor.\(index)") { [unowned self] in
                // Reactors live as long as the process (`all` holds them).
                pthread_setspecific(Self.threadKey, Unmanaged.passUnretained(self).toOpaque())
                if let cpu = self.boundCPU {
                    let error = ccpu_bind_current_thread(cpu)
                    // Unbound, the thread still works; connections then move to it less to the point.
                    if error != 0 {
                        let reason = String(cString: strerror(error))
                        FileHandle.standardError.write(
                            Data("pq: pq.reactor.\(index) not bound to CPU \(cpu): \(reason)\n".utf8))
                    }
                }
                self.loop()
            }
        }

        /// Returns once `socket` (of the connection numbered `owner`) is readable (or, with `orWritable`,
        /// writable), or has failed. A socket that is ready already returns at once: registrations are
        /// level-triggered.
        ///
        /// A waiter running on this thread is resumed here and reads its socket before the thread looks at the
        /// sockets again, so its socket stays registered between statements: no system call per wait, and input
        /// that arrives while the connection is idle is noticed (`isQuiet`). Other waiters are resumed on other
        /// threads, possibly after the next look, so their registration is one-shot, re-armed for each wait.
        func wait(_ socket: Int32, owner: UInt64, orWritable: Bool = false) async {
            // No socket (the connection is gone): nothing to wait for; the caller finds out from libpq.
            guard socket >= 0 else { return }
            let lasting = !orWritable && Reactor.current === self
            // Inheriting the caller's executor: no hops to it around the continuation (see `withoutBlockingIfFree`).
            await _unsafeInheritExecutor_withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let registration = lock.withLock { watch -> Registration? in
                    let index = watch.entry(socket, owner: owner)
                    watch.sockets[index].waiter = continuation
                    let registration = watch.sockets[index].registration
                    if lasting && registration == .lasting { return nil }
                    watch.sockets[index].registration = lasting ? .lasting : .unknown
                    watch.sockets[index].unsolicited = false
                    return registration
                }
                guard let registration else { return }
                // Outside the lock: other threads' waits would queue behind the system call. Whatever epoll
                // holds for the socket meanwhile, one of ADD and MOD fits it (a closed socket left epoll by
                // itself, so a new connection's socket of the same number is added anew), and the thread removes
                // a registration only while nobody waits on it, so this waiter's cannot be lost.
                var event = epoll_event()
                event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
                if !lasting { event.events |= EPOLLONESHOT.rawValue }
                if orWritable { event.events |= EPOLLOUT.rawValue }
                event.data.fd = socket
                let (first, second) =
                    registration == .absent ? (EPOLL_CTL_ADD, EPOLL_CTL_MOD) : (EPOLL_CTL_MOD, EPOLL_CTL_ADD)
                if epoll_ctl(epoll, first, socket, &event) != 0 && epoll_ctl(epoll, second, socket, &event) != 0 {
                    // Not a socket epoll can watch (closed meanwhile): let the caller find out from libpq.
                    wake(socket, owner: owner)
                }
            }
        }

        /// The reactor bound to `cpu` for the connection numbered `owner`: with more reactors than CPUs, the
        /// connections of a CPU spread over its reactors by number. Nil when no reactor is bound to `cpu`.
        static func bound(to cpu: Int32, for owner: UInt64) -> Reactor? {
            guard let reactors = byCPU[cpu] else { return nil }
            return reactors[Int(owner % UInt64(reactors.count))]
        }

        private static let byCPU: [Int32: [Reactor]] = Dictionary(
            grouping: all.filter { $0.boundCPU != nil }, by: { $0.boundCPU! })

        /// Stops watching `socket` for good, for a connection that moves to another reactor; call with the
        /// connection in no one else's hands. Its entry is cleared first, so an event the thread already took
        /// for the socket finds no waiter and no owner.
        func forget(_ socket: Int32, owner: UInt64) {
            guard socket >= 0 else { return }
            let registered = lock.withLock { watch -> Bool in
                let index = Int(socket)
                guard index < watch.sockets.count, watch.sockets[index].owner == owner else { return false }
                defer { watch.sockets[index] = Socket() }
                return watch.sockets[index].registration != .absent
            }
            if registered { _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil) }
        }

        /// Whether `socket` is registered for good and nothing arrived on it unasked: a server that went away
        /// would have sent its last message and closed, which the thread would have seen (once it looked).
        func isQuiet(_ socket: Int32, owner: UInt64) -> Bool {
            lock.withLock { watch in
                let index = Int(socket)
                guard socket >= 0, index < watch.sockets.count else { return false }
                let entry = watch.sockets[index]
                return entry.owner == owner && entry.registration == .lasting && !entry.unsolicited
            }
        }

        /// Resumes the waiter of a socket that could not be registered. The entry is left alone if the number
        /// has a new owner by now, whose waiter is not this one.
        private func wake(_ socket: Int32, owner: UInt64) {
            lock.withLock { watch -> UnsafeContinuation<Void, Never>? in
                let index = Int(socket)
                guard index < watch.sockets.count, watch.sockets[index].owner == owner else { return nil }
                watch.sockets[index].registration = .unknown
                defer { watch.sockets[index].waiter = nil }
                return watch.sockets[index].waiter
            }?.resume()
        }

        func enqueue(_ job: consuming ExecutorJob) {
            let job = UnownedJob(job)
            if Reactor.current === self {
                ownJobs.append(job)
                return
            }
            let wake = lock.withLock { watch in
                watch.jobs.append(job)
                defer { watch.sleeping = false }
                return watch.sleeping
            }
            if wake {
                var byte: UInt8 = 1
                _ = write(wakeWrite, &byte, 1)
            }
        }

        private func loop() {
            var events = [epoll_event](repeating: epoll_event(), count: 128)
            var ready: [UnsafeContinuation<Void, Never>] = []
            ready.reserveCapacity(events.count)
            var drain = [UInt8](repeating: 0, count: 64)
            var pendingJobs: [UnownedJob] = []
            let unasked = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue
            let executor = asUnownedTaskExecutor()
            while true {
                // Run the jobs of tasks that prefer this thread, then look at the sockets: without waiting
                // while there is work, otherwise until a socket is ready or a job arrives.
                lock.withLock { watch in
                    swap(&pendingJobs, &watch.jobs)
                    watch.sleeping = pendingJobs.isEmpty && ownJobs.isEmpty
                }
                if pendingJobs.isEmpty {
                    swap(&pendingJobs, &ownJobs)
                } else {
                    pendingJobs.append(contentsOf: ownJobs)
                    ownJobs.removeAll(keepingCapacity: true)
                }
                for job in pendingJobs { job.runSynchronously(on: executor) }
                let timeout: Int32 = pendingJobs.isEmpty ? -1 : 0
                pendingJobs.removeAll(keepingCapacity: true)
                let count = events.withUnsafeMutableBufferPointer {
                    epoll_wait(epoll, $0.baseAddress, Int32($0.count), timeout)
                }
                if count < 0 {
                    if errno == EINTR { continue }
                    fatalError("epoll_wait failed: \(String(cString: strerror(errno)))")
                }
                var woken = false
                lock.withLock { watch in
                    watch.sleeping = false
                    for index in 0..<Int(count) {
                        let socket = events[index].data.fd
                        if socket == wakeRead {
                            woken = true
                            continue
                        }
                        let slot = Int(socket)
                        guard slot < watch.sockets.count else { continue }
                        if let waiter = watch.sockets[slot].waiter {
                            watch.sockets[slot].waiter = nil
                            ready.append(waiter)
                            continue
                        }
                        // Nobody waits: stop watching (a level-triggered socket would fire again and again)
                        // and remember that something came, for the next look before the connection is lent.
                        if watch.sockets[slot].registration != .absent {
                            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil)
                            watch.sockets[slot].registration = .absent
                        }
                        if events[index].events & unasked != 0 { watch.sockets[slot].unsolicited = true }
                    }
                }
                if woken {
                    while read(wakeRead, &drain, drain.count) > 0 {}
                }
                for continuation in ready { continuation.resume() }
                ready.removeAll(keepingCapacity: true)
            }
        }
    }

    /// State behind a pthread mutex. Not `Mutex`: Synchronization's spins before it sleeps, and the reactor's
    /// lock, contended by the threads of Swift's pool waiting on the reactor's sockets, spent a fifth of the
    /// client's CPU spinning.
    private final class Locked<State>: @unchecked Sendable {
        private let mutex = NSLock()
        private var state: State

        init(_ state: State) {
            self.state = state
        }

        func withLock<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
            mutex.lock()
            defer { mutex.unlock() }
            return try body(&state)
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

    /// The index in `executors` of the reactor that watches this connection's socket (nil where there are
    /// none). With `PQ_REACTOR_BINDING=cpu` it can change after a statement; read it while holding the connection.
    public var executorIndex: Int? {
        #if os(Linux)
            return reactor.index
        #else
            return nil
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
