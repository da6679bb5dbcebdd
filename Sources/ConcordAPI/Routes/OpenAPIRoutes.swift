import Foundation
import HTTPTypes
import Hummingbird

/// `/openapi.json`: the OpenAPI 3.1 document of this API, kept in the repository beside the routes and
/// checked against the router by the API tests. Public, as the document holds nothing secret.
struct OpenAPIRoutes {
    /// The document's bytes, read once from the module's resources.
    static let document: ByteBuffer? = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return ByteBuffer(bytes: data)
    }()

    func register(on router: Router<ConcordRequestContext>) {
        router.get("openapi.json") { _, _ -> Response in
            guard let document = Self.document else {
                throw Problem(
                    .internalServerError, type: "internal", title: "Internal error",
                    detail: "the OpenAPI document is missing from this build")
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: document))
        }
    }
}
