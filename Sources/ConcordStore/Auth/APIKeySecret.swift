import Crypto
import Foundation

/// An API key as the caller holds it: `concord_` and 43 characters of base64url randomness (256 bits).
///
/// Only the SHA-256 of the whole key is stored; the key is shown once, when it is created.
public struct APIKeySecret: Sendable, Hashable {
    public let value: String

    public init(_ value: String) { self.value = value }

    /// A new key from the system's cryptographic random source.
    public static func generate() -> APIKeySecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let encoded = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return APIKeySecret("concord_" + encoded)
    }

    /// The hex SHA-256 the database keeps and looks keys up by.
    public var hashHex: String {
        SHA256.hash(data: Data(value.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The first characters, safe to show in listings.
    public var prefix: String { String(value.prefix(14)) }
}
