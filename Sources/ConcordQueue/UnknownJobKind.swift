/// A claimed job whose kind no handler is registered for in this worker.
struct UnknownJobKind: Error, CustomStringConvertible {
    let kind: String
    var description: String { "no handler is registered for kind \"\(kind)\" in this worker" }
}
