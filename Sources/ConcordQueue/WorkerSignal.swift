/// What wakes a worker's dispatch loop.
enum WorkerSignal: Sendable {
    /// Jobs may be available: a notification, a promotion, or the listener (re)connecting.
    case wake
    /// The poll interval passed.
    case tick
    /// A job finished, so a slot is free.
    case finished
    /// Stop claiming.
    case shutdown
}
