import Foundation

/// A password for a BI login: 32 characters of base64url from 24 random bytes (192 bits), safe to paste
/// into any BI tool's connection form.
public enum BIPassword {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}
