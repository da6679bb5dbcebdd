import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import PQ
import UUIDText

/// Small pieces every resource route uses: ids from the path, versions from `If-Match`, JSON in and out.
enum RouteSupport {
    /// A UUID path parameter; anything else is a 404, as an unknown id would be.
    static func id(_ context: ConcordRequestContext, _ name: String, entity: String) throws -> UUID {
        guard let raw = context.parameters.get(name), let id = UUIDText.uuid(raw) else {
            throw Problem.notFound(entity)
        }
        return id
    }

    /// The version named by `If-Match: "<version>"`; updates without it get 428, so no edit silently
    /// overwrites another.
    static func expectedVersion(_ request: Request) throws -> Int {
        guard let header = request.headers[.ifMatch] else {
            throw Problem(
                .init(code: 428), type: "precondition-required", title: "Precondition required",
                detail: "send If-Match with the ETag of the version you read")
        }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "W/", with: "").trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(trimmed), version > 0 else {
            throw Problem(
                .preconditionFailed, type: "version-conflict", title: "Precondition failed",
                detail: "If-Match must be an ETag this API gave out, like \"3\"")
        }
        return version
    }

    /// The request body, collected once (it may also feed the idempotency hash), with a clear 413.
    static func body(_ request: Request, context: ConcordRequestContext) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(
                .contentTooLarge, type: "too-large", title: "Content too large",
                detail: "request bodies are limited to \(context.maxUploadSize) bytes")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        guard body.readableBytes > 0 else { throw Problem.badRequest("a JSON body is required") }
        let data = Data(buffer: body)
        try JSONBodyScreen.check(data)
        try refuseNUL(in: data)
        return try StrictDecoding.decode(T.self, from: data)
    }

    /// PostgreSQL text cannot hold U+0000, so a string carrying one is refused as invalid input, naming it.
    static func refuseNUL(in data: Data) throws {
        // JSON can only carry U+0000 escaped; skip the parse when the escape is nowhere in the body.
        guard data.range(of: Data(#"\u0000"#.utf8)) != nil,
            let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        else { return }
        func find(_ value: Any, _ path: [String]) -> String? {
            let here = path.isEmpty ? "body" : path.joined(separator: ".")
            switch value {
            case let text as String:
                return text.containsNUL ? here : nil
            case let array as [Any]:
                return array.indices.lazy.compactMap { find(array[$0], path + ["[\($0)]"]) }.first
            case let object as [String: Any]:
                if object.keys.contains(where: \.containsNUL) { return here }
                return object.lazy.compactMap { find($0.value, path + [$0.key]) }.first
            default:
                return nil
            }
        }
        if let field = find(json, []) {
            throw Problem.invalid(field: field, rule: "no_nul", message: "\(field) must not contain the NUL character")
        }
    }

    /// A JSON response, with an ETag when the resource has a version.
    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, version: Int? = nil) throws
        -> Response
    {
        response(try JSONCoding.body(value), status: status, version: version)
    }

    /// The same for a value that names its fields in snake_case itself: no key strategy to run on each key.
    static func json<T: SnakeCaseKeyed>(_ value: T, status: HTTPResponse.Status = .ok, version: Int? = nil) throws
        -> Response
    {
        response(try JSONCoding.body(value, namesSpelled: true), status: status, version: version)
    }

    private static func response(_ data: [UInt8], status: HTTPResponse.Status, version: Int?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let version { headers[.eTag] = "\"\(version)\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `?limit=&after=` for keyset pagination.
    static func page(_ request: Request) throws -> PageRequest {
        let (limit, after) = try pageParameters(request)
        return try PageRequest(limit: limit, after: after)
    }

    /// The raw `?limit=&after=`, for a page request with a cursor of its own.
    static func pageParameters(_ request: Request) throws -> (limit: Int, after: String?) {
        let query = request.uri.queryParameters
        var limit = PageRequest.defaultLimit
        if let raw = query["limit"] {
            guard let value = Int(String(raw)) else {
                throw Problem.invalid(field: "limit", rule: "type", message: "limit must be a whole number")
            }
            limit = value
        }
        return (limit, query["after"].map(String.init))
    }

    /// An optional UUID query parameter, refused when malformed rather than ignored.
    static func uuidQuery(_ request: Request, _ name: String) throws -> UUID? {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let id = UUIDText.uuid(String(raw)) else {
            throw Problem.invalid(field: name, rule: "type", message: "\(name) must be a UUID")
        }
        return id
    }

    static func enumQuery<T: RawRepresentable>(_ request: Request, _ name: String, as _: T.Type) throws -> T?
    where T.RawValue == String {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        guard let value = T(rawValue: String(raw)) else {
            throw Problem.invalid(field: name, rule: "enum", message: "\(name) '\(raw)' is not a known value")
        }
        return value
    }

    static func boolQuery(_ request: Request, _ name: String) throws -> Bool? {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return nil }
        switch raw {
        case "true": return true
        case "false": return false
        default: throw Problem.invalid(field: name, rule: "type", message: "\(name) must be true or false")
        }
    }
}
