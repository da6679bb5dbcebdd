import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a thread that carries `name` where operators look (`top -H`, `ps -L`, `perf`): on Linux,
/// Foundation's `Thread.name` set before `start()` never reaches the kernel, and such threads show
/// the name of whatever dispatch thread made them.
func startNamedThread(_ name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread {
        #if canImport(Glibc)
            // Glibc's module leaves out pthread_setname_np; the kernel takes the name (15 bytes of it) here too.
            let file = open("/proc/thread-self/comm", O_WRONLY)
            if file >= 0 {
                _ = name.utf8CString.withUnsafeBufferPointer { write(file, $0.baseAddress, min($0.count - 1, 15)) }
                close(file)
            }
        #endif
        body()
    }
    thread.name = name
    thread.start()
}
