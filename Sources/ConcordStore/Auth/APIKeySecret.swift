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
        // Runs on every authenticated request: String(format:) per byte cost more than the hash itself, and a
        // `Data` copy of the key and an array per call were most of what was left.
        var key = value
        let digest = key.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        return String(unsafeUninitializedCapacity: 64) { hex in
            let digits = Self.hexDigits.utf8Start
            var position = 0
            for byte in digest {
                hex[position] = digits[Int(byte >> 4)]
                hex[position + 1] = digits[Int(byte & 0x0f)]
                position += 2
            }
            return position
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// The first characters, safe to show in listings.
    public var prefix: String { String(value.prefix(14)) }
}
