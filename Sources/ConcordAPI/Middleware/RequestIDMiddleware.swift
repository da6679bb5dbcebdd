import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (the caller's `X-Request-ID` when it is sane), returns it on the response and
/// puts it in every log line of the request.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let given = request.headers[.requestID], given.count <= 64,
            given.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        {
            context.requestID = given
        } else {
            context.requestID = UUID().uuidString.lowercased()
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        return response
    }
}
