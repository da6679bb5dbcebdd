import ConcordStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// A created resource and where it lives.
struct Created<Body: Encodable & Sendable>: Sendable {
    let body: Body
    let location: String
    let version: Int?
}

extension APIDependencies {
    /// Runs a create in a tenant transaction and answers 201 with `Location` and `ETag`.
    ///
    /// With an `Idempotency-Key` header the key is taken in the same transaction as the write: a retry
    /// (even a concurrent one) gets the first answer and makes no second row; the same key with a
    /// different request gets 422.
    func create<Body: Encodable & Sendable>(
        _ request: Request, context: ConcordRequestContext, scope: TenantScope, requestBody: ByteBuffer,
        _ work: @escaping @Sendable (TenantTransaction) async throws -> Created<Body>
    ) async throws -> Response {
        let key = request.headers[.idempotencyKey]
        if let key, key.isEmpty || key.count > 255 {
            throw Problem.invalid(
                field: "Idempotency-Key", rule: "length", message: "Idempotency-Key must be 1 to 255 characters")
        }
        let requestHash = Self.hash(request, body: requestBody)
        let answer: (status: Int, body: String, headers: HTTPFields) = try await store.write(scope) { tx in
            if let key {
                switch try await tx.claimIdempotencyKey(key, requestHash: requestHash) {
                case .fresh: break
                case .replay(let status, let stored):
                    let replayed = StoredAnswer(stored)
                    return (status, replayed.body, replayed.headers)
                case .mismatch:
                    throw Problem.invalid(
                        field: "Idempotency-Key", rule: "reused",
                        message: "this Idempotency-Key was used with a different request")
                }
            }
            let created = try await work(tx)
            let body = String(decoding: try JSONCoding.body(created.body), as: UTF8.self)
            var headers = HTTPFields()
            headers[.location] = created.location
            if let version = created.version { headers[.eTag] = "\"\(version)\"" }
            if let key {
                try await tx.recordIdempotentResponse(
                    key, status: 201, body: StoredAnswer(body: body, headers: headers).stored)
            }
            return (201, body, headers)
        }
        var headers = answer.headers
        headers[.contentType] = "application/json"
        return Response(
            status: .init(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }

    static func hash(_ request: Request, body: ByteBuffer) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(request.method.rawValue.utf8))
        hasher.update(data: Data(request.uri.path.utf8))
        hasher.update(data: Data(buffer: body))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A create's answer as kept under its `Idempotency-Key`, so a retry gets the same body and the same
/// `Location` and `ETag`: header lines, a blank line, then the JSON body. (Our JSON never holds a raw
/// newline; a stored answer that starts with `{` is a bare body from before headers were kept.)
struct StoredAnswer {
    static let kept: [HTTPField.Name] = [.location, .eTag]

    let body: String
    let headers: HTTPFields

    init(body: String, headers: HTTPFields) {
        self.body = body
        self.headers = headers
    }

    init(_ stored: String) {
        guard !stored.hasPrefix("{"), let split = stored.range(of: "\n\n") else {
            self.init(body: stored, headers: [:])
            return
        }
        var headers = HTTPFields()
        for line in stored[..<split.lowerBound].split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else {
                continue
            }
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.init(body: String(stored[split.upperBound...]), headers: headers)
    }

    var stored: String {
        let lines = Self.kept.compactMap { name in headers[name].map { "\(name.rawName): \($0)" } }
        return lines.joined(separator: "\n") + "\n\n" + body
    }
}
