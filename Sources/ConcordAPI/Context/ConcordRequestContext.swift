import Foundation
import Hummingbird
import Logging

/// Per-request state: who is calling (once authenticated) and the request id echoed in responses and logs.
public struct ConcordRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public var requestID: String
    /// The peer's IP address (the load balancer's when there is one), or "unknown".
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        requestID = ""
        clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies larger than this are refused with 413 before they are decoded.
    public var maxUploadSize: Int { 1_048_576 }
    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: DirectResponseEncoder { DirectResponseEncoder() }
}

/// The API's one JSON dialect: snake_case field names, ISO 8601 times with their offset.
public enum JSONCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in Key(snakeNames.converted(path.last!.stringValue)) }
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// For values whose own `CodingKeys` already say snake_case (`SnakeCaseKeyed`): the same output as `encoder`
    /// without the per-key strategy.
    public static let snakeKeyedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in Key(camelNames.converted(path.last!.stringValue)) }
        // Not `.iso8601`: its error carries no coding path, so a bad time read as "the body is not valid JSON".
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            guard let date = time(try container.decode(String.self)) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an RFC 3339 time such as 2026-03-29T10:00:00Z")
            }
            return date
        }
        return decoder
    }()

    /// An RFC 3339 time: fractional seconds optional, `T` and `Z` in either case, any offset.
    public static func time(_ text: String) -> Date? {
        let text = text.uppercased()
        return (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// The encoder asks for the name of every key of every value it writes; working each one out again was
    /// a third of the API's CPU time in Benchmarks/api. Field names are few, so they are worked out once.
    static let snakeNames = NameCache { snakeCase($0) }
    static let camelNames = NameCache { camelCase($0) }

    /// Names already converted. Bounded, because dictionary keys (a leader's channels, say) are names too.
    final class NameCache: @unchecked Sendable {
        private let convert: @Sendable (String) -> String
        private let lock = NSLock()
        private var known: [String: String] = [:]

        init(_ convert: @escaping @Sendable (String) -> String) {
            self.convert = convert
        }

        func converted(_ name: String) -> String {
            if let hit = lock.withLock({ known[name] }) { return hit }
            let result = convert(name)
            lock.withLock {
                if known.count < 4_096 { known[name] = result }
            }
            return result
        }
    }

    /// Words Swift names spell in capitals, and how they read in snake_case (`leaderID`, `parentIDs`, `isHR`).
    static let acronyms: [(swift: String, snake: String)] = [
        ("IDs", "ids"), ("ID", "id"), ("HR", "hr"), ("URL", "url"),
    ]

    /// `leadAreaID` → `lead_area_id`, `parentIDs` → `parent_ids` (Foundation's strategy gives `parent_i_ds`).
    public static func snakeCase(_ name: String) -> String {
        var words: [String] = []
        var rest = Substring(name)
        var current = ""
        while let first = rest.first {
            if let acronym = acronyms.first(where: { rest.hasPrefix($0.swift) }),
                rest.dropFirst(acronym.swift.count).first.map({ !$0.isLowercase }) ?? true, !current.isEmpty
            {
                words.append(current)
                words.append(acronym.snake)
                current = ""
                rest = rest.dropFirst(acronym.swift.count)
                continue
            }
            if first.isUppercase && !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.append(Character(first.lowercased()))
            rest = rest.dropFirst()
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: "_")
    }

    /// The inverse: `lead_area_id` → `leadAreaID`.
    public static func camelCase(_ snake: String) -> String {
        let words = snake.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = words.first else { return snake }
        return String(first)
            + words.dropFirst().map { word in
                acronyms.first { $0.snake == word }?.swift ?? word.prefix(1).uppercased() + word.dropFirst()
            }.joined()
    }

    struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ value: String) { stringValue = value }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
