import Foundation
import Logging

/// One log event a line to a `LogSink`, in either format of `LogSettings.Format`. The handler's, the
/// metadata provider's and the call's own metadata are merged, the most specific winning, then written:
/// - `json`, for log shippers (journald, Loki, Elastic): one object a line,
///   `{"ts":"…","level":"info","label":"concord-api","message":"request","request_id":"…",…}`, the metadata keys
///   beside the fixed fields (a metadata key named like a fixed field loses to it);
/// - `text`, for people, as swift-log's `StreamLogHandler` writes it
///   (`<time> <level> <label>: key=value … [<source>] <message>`), but to a sink, so tests read it as they read
///   the JSON.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: LogSettings.Format
    private let sink: LogSink

    public init(
        label: String, format: LogSettings.Format, metadataProvider: Logger.MetadataProvider? = nil,
        sink: LogSink = .standardError
    ) {
        self.label = label
        self.format = format
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
        let line: Data? =
            switch format {
            case .json: jsonLine(fields, event)
            case .text: textLine(fields, event)
            }
        if let line { sink.write(line) }
    }

    private func jsonLine(_ metadata: Logger.Metadata, _ event: LogEvent) -> Data? {
        var fields = metadata.mapValues(Self.json)
        fields["ts"] = Date().formatted(Self.timeFormat)
        fields["level"] = event.level.rawValue
        fields["label"] = label
        fields["source"] = event.source
        fields["message"] = event.message.description
        guard
            var line = try? JSONSerialization.data(
                withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        line.append(UInt8(ascii: "\n"))
        return line
    }

    private func textLine(_ metadata: Logger.Metadata, _ event: LogEvent) -> Data {
        let pretty = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let line =
            "\(Date().formatted(Self.timeFormat)) \(event.level)\(label.isEmpty ? "" : " ")\(label):\(pretty)"
            + " [\(event.source)] \(event.message)\n"
        return Data(line.utf8)
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
