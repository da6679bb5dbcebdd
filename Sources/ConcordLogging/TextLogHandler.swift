import Foundation
import Logging

/// Log lines for people, as swift-log's `StreamLogHandler` writes them
/// (`<time> <level> <label>: key=value … [<source>] <message>`), but to a `LogSink`, so tests can read the text
/// format as they read the JSON one.
public struct TextLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let sink: LogSink

    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, sink: LogSink = .standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        fields.merge(metadataProvider?.get() ?? [:]) { $1 }
        fields.merge(event.metadata ?? [:]) { $1 }
        if let error = event.error { fields["error"] = "\(error)" }
        let pretty = fields.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line =
            "\(Date().formatted(Self.timeFormat)) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pretty)"
            + " [\(event.source)] \(event.message)\n"
        sink.write(Data(line.utf8))
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
