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
                case .replay(let status, let body): return (status, body, [:])
                case .mismatch:
                    throw Problem.invalid(
                        field: "Idempotency-Key", rule: "reused",
                        message: "this Idempotency-Key was used with a different request")
                }
            }
            let created = try await work(tx)
            let body = String(decoding: try JSONCoding.encoder.encode(created.body), as: UTF8.self)
            if let key { try await tx.recordIdempotentResponse(key, status: 201, body: body) }
            var headers = HTTPFields()
            headers[.location] = created.location
            if let version = created.version { headers[.eTag] = "\"\(version)\"" }
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
