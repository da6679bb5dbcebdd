import ConcordSettings
import Logging

/// How a process logs: `CONCORD_LOG_FORMAT` (`text` for people, `json` for log shippers) and
/// `CONCORD_LOG_LEVEL`.
public struct LogSettings: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    public var format: Format
    public var level: Logger.Level

    public init(format: Format = .text, level: Logger.Level = .info) {
        self.format = format
        self.level = level
    }

    public init(_ settings: Settings) throws {
        let format = try settings.choice(
            "log.format", default: Format.text.rawValue, among: Format.allCases.map(\.rawValue))
        let level = try settings.choice(
            "log.level", default: Logger.Level.info.rawValue, among: Logger.Level.allCases.map(\.rawValue))
        self.init(format: Format(rawValue: format) ?? .text, level: Logger.Level(rawValue: level) ?? .info)
    }

    /// A handler for `label` in this format and level.
    public func handler(
        label: String, metadataProvider: Logger.MetadataProvider? = nil, sink: LogSink = .standardError
    ) -> any LogHandler {
        var handler = LineLogHandler(label: label, format: format, metadataProvider: metadataProvider, sink: sink)
        handler.logLevel = level
        return handler
    }

    /// Makes this the process's logging, with `metadataProvider` adding context (the running job) to every line.
    public func bootstrap(metadataProvider: Logger.MetadataProvider? = nil) {
        LoggingSystem.bootstrap(
            { label, provider in handler(label: label, metadataProvider: provider) },
            metadataProvider: metadataProvider)
    }
}
