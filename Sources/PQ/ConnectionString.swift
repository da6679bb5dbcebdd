import CLibPQ
import Foundation

/// Checks connection strings before libpq tries them, so a typo reads as a typo and not as a network error.
enum ConnectionString {
    static func validate(_ conninfo: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            var message = "malformed connection string"
            if let errorMessage {
                message += ": " + String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
                PQfreemem(errorMessage)
            }
            throw PostgresError(.invalidConnectionString, message: message)
        }
        PQconninfoFree(options)
    }

    /// libpq's messages name the host but bury the cause; put the cause first.
    static func explain(_ message: String) -> String {
        let lower = message.lowercased()
        if lower.contains("password authentication failed") {
            return "wrong password or user: \(message)"
        }
        if lower.contains("connection refused") || lower.contains("no such file or directory") {
            return "server unreachable (nothing listening): \(message)"
        }
        if lower.contains("could not translate host name") {
            return "unknown host: \(message)"
        }
        if lower.contains("does not exist") {
            return "no such database or role: \(message)"
        }
        return message
    }
}
