import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/orgs/{org}/imports/{kind}` (POST `text/csv`, all or nothing) and `/v1/orgs/{org}/exports/{kind}`
/// (GET, `text/csv` in the same shape), for areas, leaders, initiatives and workshop ratings.
struct CSVRoutes {
    let dependencies: APIDependencies

    /// A client's whole org chart fits; more belongs in the CLI, which reads the file from disk.
    static let maximumFileSize = 32 * 1_048_576

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.post("orgs/:org/imports/:kind") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let kind = try Self.kind(context)
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard type.hasPrefix("text/csv") else {
                throw Problem(
                    .unsupportedMediaType, type: "unsupported-media-type", title: "Unsupported media type",
                    detail: "send the file as Content-Type: text/csv (UTF-8)")
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: Self.maximumFileSize)
            } catch {
                throw Problem(
                    .contentTooLarge, type: "too-large", title: "Content too large",
                    detail: "CSV files are limited to \(Self.maximumFileSize) bytes; import larger ones with the CLI")
            }
            do {
                // Seconds of reading and checking without an await.
                let outcome = try await offTheEventLoop {
                    try await dependencies.store.importCSV(kind, Array(body.readableBytesView), scope: scope)
                }
                return try RouteSupport.json(outcome)
            } catch let rejected as ImportRejected {
                throw Problem(
                    .unprocessableContent, type: "invalid-csv", title: "Invalid CSV",
                    detail: "\(rejected.issues.count) problem(s) in the file; nothing was imported",
                    errors: rejected.issues.map {
                        Problem.FieldError(field: $0.column ?? "line", rule: "csv", message: $0.message, line: $0.line)
                    })
            }
        }
        group.get("orgs/:org/exports/:kind") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let kind = try Self.kind(context)
            // Every row written out without an await.
            let csv = try await offTheEventLoop { try await dependencies.store.exportCSV(kind, scope: scope) }
            var headers = HTTPFields()
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(kind.rawValue).csv\""
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv)))
        }
    }

    static func kind(_ context: ConcordRequestContext) throws -> ImportKind {
        guard let raw = context.parameters.get("kind"), let kind = ImportKind(rawValue: raw) else {
            throw Problem.notFound("import kind (areas, leaders, initiatives or ratings)")
        }
        return kind
    }
}
