import Foundation
import HTTPTypes
import Hummingbird
import Logging
import UUIDText

/// Gives every request an id (the caller's `X-Request-ID` when it is sane), returns it on the response and
/// puts it in every log line of the request, ending with one access line (method, path, status, duration).
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
            context.requestID = Self.newID()
        }
        context.logger[metadataKey: "request_id"] = .string(context.requestID)
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.requestID] = context.requestID
        let elapsed = (ContinuousClock.now - start).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue), "path": .string(Self.loggable(request.uri.path)),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(Self.twoDecimals(milliseconds)),
            ])
        return response
    }

    /// A random UUID, spelled in lower case straight from its bytes: `uuidString.lowercased()` made two strings
    /// on every request that brought no id.
    static func newID() -> String {
        UUIDText.string(RandomUUIDs.next(), lowercase: true)
    }

    /// `%.2f` of a non-negative number, without `String(format:)`: CoreFoundation's formatter on every request
    /// was 1% of the API's CPU.
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// The path without the one-time token of a nudge answer link, which must not end up in logs.
    static func loggable(_ path: String) -> String {
        path.hasPrefix("/answer/") ? "/answer/{token}" : path
    }
}
