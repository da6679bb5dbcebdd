import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem document: the one shape every API error takes.
public struct Problem: HTTPResponseError, Codable, Sendable {
    /// One rule a field broke, so a client can point at it.
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var rule: String
        public var message: String
        /// The line of an uploaded file (CSV imports); absent otherwise.
        public var line: Int?

        public init(field: String, rule: String, message: String, line: Int? = nil) {
            self.field = field
            self.rule = rule
            self.message = message
            self.line = line
        }
    }

    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String?
    public var instance: String?
    public var requestId: String?
    public var errors: [FieldError]?
    /// Seconds for `Retry-After` (not part of the document).
    public var retryAfter: Int? = nil

    /// For a stage change the alignment gate refused: the required leaders not yet aligned.
    public var notAlignedLeaders: [Leader]?

    /// A leader a problem is about, and their standing.
    public struct Leader: Codable, Sendable, Equatable {
        public var leaderID: UUID
        public var name: String
        public var status: String

        enum CodingKeys: String, CodingKey {
            case name, status
            case leaderID = "leader_id"
        }
    }

    public var status: HTTPResponse.Status { .init(code: statusCode) }

    public init(
        _ status: HTTPResponse.Status, type: String, title: String, detail: String? = nil,
        errors: [FieldError]? = nil
    ) {
        self.type = "https://concord.example/problems/\(type)"
        self.title = title
        self.statusCode = status.code
        self.detail = detail
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, instance, errors
        case statusCode = "status"
        case requestId = "request_id"
        case notAlignedLeaders = "not_aligned_leaders"
    }

    public static let mediaType = "application/problem+json"
    /// What a 503 asks the client to wait: about how long a PostgreSQL restart or a standby promotion takes.
    public static let retryAfterSeconds = "2"

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var problem = self
        // Never an answer link's token: the path as the log shows it.
        problem.instance = problem.instance ?? RequestIDMiddleware.loggable(request.uri.path)
        let data = try JSONCoding.body(problem, namesSpelled: true)
        var headers = HTTPFields()
        headers[.contentType] = Self.mediaType
        // Unavailable means the database is away (a restart, a failover): a client should come back soon.
        if status == .serviceUnavailable { headers[.retryAfter] = Self.retryAfterSeconds }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    public static func notFound(_ what: String) -> Problem {
        Problem(.notFound, type: "not-found", title: "Not found", detail: "\(what) does not exist")
    }

    public static func badRequest(_ detail: String, errors: [FieldError]? = nil) -> Problem {
        Problem(.badRequest, type: "bad-request", title: "Bad request", detail: detail, errors: errors)
    }

    public static func invalid(field: String, rule: String, message: String) -> Problem {
        Problem(
            .unprocessableContent, type: "validation", title: "Invalid input", detail: message,
            errors: [FieldError(field: field, rule: rule, message: message)])
    }

    public static let unauthorized = Problem(
        .unauthorized, type: "unauthorized", title: "Unauthorized",
        detail: "send a valid API key as 'Authorization: Bearer <key>'")

    /// Too many failed authentications from this client: it waits `seconds` before it is heard again.
    public static func tooManyFailures(retryAfter seconds: Int) -> Problem {
        var problem = Problem(
            .tooManyRequests, type: "too-many-failures", title: "Too many requests",
            detail: "too many failed authentications from this address; try again in \(seconds) s")
        problem.retryAfter = seconds
        return problem
    }

    public static func forbidden(_ detail: String) -> Problem {
        Problem(.forbidden, type: "forbidden", title: "Forbidden", detail: detail)
    }
}
