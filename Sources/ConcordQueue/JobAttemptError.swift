import Foundation

/// One failed run of a job, as kept in `queue.jobs.errors`.
public struct JobAttemptError: Sendable, Hashable, Codable {
    /// When the server recorded the failure.
    public let at: Date
    public let attempt: Int
    public let error: String

    public init(at: Date, attempt: Int, error: String) {
        self.at = at
        self.attempt = attempt
        self.error = error
    }

    private enum CodingKeys: String, CodingKey { case at, attempt, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        attempt = try container.decode(Int.self, forKey: .attempt)
        error = try container.decode(String.self, forKey: .error)
        // queue.error_entry writes UTC to the millisecond: 2025-02-14T09:30:00.123Z.
        let text = try container.decode(String.self, forKey: .at)
        guard let date = Self.formatter().date(from: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .at, in: container, debugDescription: "not an ISO 8601 instant: \(text)")
        }
        at = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatter().string(from: at), forKey: .at)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(error, forKey: .error)
    }

    private static func formatter() -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
