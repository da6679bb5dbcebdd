import ConcordAPI
import ConcordStore
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document stays true: it names exactly the routes the router has, it is well formed, and the
/// running API (fuzzed by Schemathesis) never answers with a 5xx or a response the document does not allow.
@Suite struct OpenAPIDocumentTests {
    /// The document as kept in the repository.
    static let documentURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/ConcordAPI/OpenAPI/openapi.json").standardized

    static func document() throws -> [String: Any] {
        let data = try Data(contentsOf: documentURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// "GET /v1/orgs/{org}/areas" for every operation the document describes.
    static func documentedOperations(_ document: [String: Any]) -> Set<String> {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        return Set(
            paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
    }

    @Test func documentsExactlyTheRoutesTheRouterHas() async throws {
        let fixture = try await APIFixture.make()
        let router = APIServer.makeRouter(
            APIDependencies(
                store: Store(pool: fixture.apiPool), keys: KeyDirectory(pool: fixture.apiPool), keyCacheLifetime: .zero)
        )
        let routed = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let documented = Self.documentedOperations(try Self.document())
        #expect(routed.count >= 35)
        #expect(routed.subtracting(documented).sorted() == [], "routes the document does not describe")
        #expect(documented.subtracting(routed).sorted() == [], "operations the router does not have")
    }

    @Test func isOpenAPI31AndEveryReferenceResolves() throws {
        let document = try Self.document()
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((document["info"] as? [String: Any])?["version"] is String)
        var references: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                if let reference = object["$ref"] as? String { references.append(reference) }
                object.values.forEach(collect)
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(document)
        #expect(references.count > 100)
        for reference in Set(references) {
            #expect(reference.hasPrefix("#/"), "\(reference) is not local")
            var target: Any? = document
            for token in reference.dropFirst(2).split(separator: "/") {
                let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                target = (target as? [String: Any])?[key]
            }
            #expect(target != nil, "\(reference) does not resolve")
        }
        // Every operation has an id, a response, and errors as problem+json.
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths {
            for (method, value) in item where Self.methods.contains(method) {
                let operation = try #require(value as? [String: Any])
                #expect(operation["operationId"] is String, "\(method) \(path) has no operationId")
                #expect((operation["responses"] as? [String: Any])?.isEmpty == false, "\(method) \(path)")
            }
        }
    }

    @Test func isServedWithoutAKey() async throws {
        let fixture = try await APIFixture.make()
        let onDisk = try Data(contentsOf: Self.documentURL)
        try await fixture.application().test(.live) { client in
            let response = try await client.send(.get, "/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(Data(buffer: response.body) == onDisk)
        }
    }
}
