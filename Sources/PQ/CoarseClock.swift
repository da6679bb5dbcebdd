#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The monotonic clock at the kernel's tick (a few milliseconds): read for every connection returned to a
/// pool, where a precise reading (or a `Date`) costs several times as much and a lifetime of an hour needs
/// no better.
enum CoarseClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        #if os(Linux)
            clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        #else
            clock_gettime(CLOCK_MONOTONIC, &time)
        #endif
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
