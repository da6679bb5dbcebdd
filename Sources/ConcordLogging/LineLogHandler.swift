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
        switch format {
        case .json:
            var fields = metadata
            fields.merge(metadataProvider?.get() ?? [:]) { $1 }
            fields.merge(event.metadata ?? [:]) { $1 }
            if let error = event.error { fields["error"] = "\(error)" }
            if let line = jsonLine(fields, event) { sink.write(line) }
        case .text:
            sink.write(textLine(event))
        }
    }

    private func jsonLine(_ metadata: Logger.Metadata, _ event: LogEvent) -> Data? {
        var fields = metadata.mapValues(Self.json)
        var time: [UInt8] = []
        LogTime.appendNow(to: &time)
        fields["ts"] = String(decoding: time, as: UTF8.self)
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

    /// Written as bytes into one buffer, the fields gathered in an array rather than merged dictionaries:
    /// the access line is written on every request, and merging, sorting, interpolating and joining were
    /// most of its cost.
    private func textLine(_ event: LogEvent) -> Data {
        var fields: [(key: String, value: Logger.Metadata.Value)] = []
        func gather(_ metadata: Logger.Metadata?) {
            guard let metadata else { return }
            for (key, value) in metadata { fields.append((key, value)) }
        }
        gather(metadata)
        gather(metadataProvider?.get())
        gather(event.metadata)
        if let error = event.error { fields.append(("error", .string("\(error)"))) }
        // By key, and among equal keys the most specific (gathered last) last, so it is the one written. An
        // insertion sort, stable and without the library sort's set-up, which was a fifth of the line's cost for
        // the handful of fields a line has.
        for next in fields.indices.dropFirst() {
            var index = next
            while index > 0 && fields[index].key < fields[index - 1].key {
                fields.swapAt(index, index - 1)
                index -= 1
            }
        }

        var line: [UInt8] = []
        line.reserveCapacity(160)
        LogTime.appendNow(to: &line)
        line.append(UInt8(ascii: " "))
        line.append(contentsOf: event.level.rawValue.utf8)
        if !label.isEmpty { line.append(UInt8(ascii: " ")) }
        line.append(contentsOf: label.utf8)
        line.append(UInt8(ascii: ":"))
        for index in fields.indices where index == fields.count - 1 || fields[index + 1].key != fields[index].key {
            line.append(UInt8(ascii: " "))
            line.append(contentsOf: fields[index].key.utf8)
            line.append(UInt8(ascii: "="))
            switch fields[index].value {
            case .string(let text): line.append(contentsOf: text.utf8)
            case let value: line.append(contentsOf: value.description.utf8)
            }
        }
        line.append(contentsOf: " [".utf8)
        line.append(contentsOf: event.source.utf8)
        line.append(contentsOf: "] ".utf8)
        line.append(contentsOf: event.message.description.utf8)
        line.append(UInt8(ascii: "\n"))
        return Data(line)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }
}
