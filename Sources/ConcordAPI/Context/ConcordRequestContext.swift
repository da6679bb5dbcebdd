import Foundation
import Hummingbird
import Logging

/// Per-request state: who is calling (once authenticated) and the request id echoed in responses and logs.
public struct ConcordRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    public var requestID: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        requestID = ""
    }

    /// Bodies larger than this are refused with 413 before they are decoded.
    public var maxUploadSize: Int { 1_048_576 }
    public var requestDecoder: JSONDecoder { JSONCoding.decoder }
    public var responseEncoder: JSONEncoder { JSONCoding.encoder }
}

/// The API's one JSON dialect: snake_case field names, ISO 8601 times with their offset.
public enum JSONCoding {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in SnakeCaseKey(path.last!.stringValue) }
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// `lead_area_id` → `leadAreaID`: the inverse of the encoder's snake_case for Swift's `ID` names,
    /// which Foundation's `convertFromSnakeCase` would turn into `leadAreaId` and miss.
    struct SnakeCaseKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ snake: String) {
            let words = snake.split(separator: "_", omittingEmptySubsequences: true)
            guard let first = words.first else {
                stringValue = snake
                return
            }
            stringValue =
                String(first)
                + words.dropFirst().map { word in
                    word == "id" ? "ID" : word.prefix(1).uppercased() + word.dropFirst()
                }.joined()
        }

        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
