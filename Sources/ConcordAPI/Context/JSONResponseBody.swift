import DirectJSON
import Foundation
import HTTPTypes
import Hummingbird

extension JSONCoding {
    /// Response bodies are written by `DirectJSONEncoder`: Foundation's encoder was 29% of the API's CPU on the
    /// initiative read (Benchmarks/api). Same dialect: fields in snake_case, `.iso8601` times, no escaped slashes.
    static let directEncoder = DirectJSONEncoder(keyName: { snakeNames.converted($0) })
    /// For values that spell their snake_case names themselves (`SnakeCaseKeyed`, `Problem`): no renaming.
    static let directKeyedEncoder = DirectJSONEncoder()

    /// `value` as the API's JSON, its field names renamed to snake_case unless `namesSpelled`.
    ///
    /// In debug builds (the tests) every body is also encoded by Foundation and the two must parse to the same
    /// value, so every API test checks the direct encoder on the responses of the routes it calls.
    public static func body<T: Encodable>(_ value: T, namesSpelled: Bool = false) throws -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try (namesSpelled ? directKeyedEncoder : directEncoder).encode(value)
        } catch is DirectJSONEncoder.Unsupported {
            return [UInt8](try (namesSpelled ? snakeKeyedEncoder : encoder).encode(value))
        }
        #if DEBUG
            let foundation = try (namesSpelled ? snakeKeyedEncoder : encoder).encode(value)
            guard JSONEquivalence.same(bytes, foundation) else {
                throw Problem(
                    .internalServerError, type: "internal", title: "Encoder mismatch",
                    detail: "DirectJSONEncoder wrote \(String(decoding: bytes, as: UTF8.self)); Foundation wrote "
                        + String(decoding: foundation, as: UTF8.self))
            }
        #endif
        return bytes
    }
}

/// The context's encoder for handlers that return an encodable value (`ResponseEncodable`): the same bodies as
/// `JSONCoding.body`, with the headers Hummingbird's `JSONEncoder` gives them.
public struct DirectResponseEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws
        -> Response
    {
        let bytes = try JSONCoding.body(value)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(bytes.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
