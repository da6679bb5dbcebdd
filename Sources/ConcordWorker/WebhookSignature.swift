import Crypto
import Foundation

/// The `Concord-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=<hex>]`.
///
/// Each `v1` is HMAC-SHA256 over `"<t>.<body>"` keyed by one active secret, newest first, so a receiver
/// verifies with whichever secret it holds while a secret is rotated. The timestamp lets it refuse replays.
public enum WebhookSignature {
    public static let headerName = "Concord-Signature"

    public static func header(secrets: [String], timestamp: Int, body: Data) -> String {
        (["t=\(timestamp)"] + secrets.map { "v1=" + signature(secret: $0, timestamp: timestamp, body: body) })
            .joined(separator: ",")
    }

    /// Hex HMAC-SHA256 of `"<timestamp>.<body>"`.
    public static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// What a receiver does: true when one `v1` matches `secret` and `t` is within `tolerance` of `now`.
    public static func verify(
        header: String, secret: String, body: Data, now: Date = Date(), tolerance: TimeInterval = 300
    ) -> Bool {
        var timestamp: Int?
        var candidates: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { candidates.append(pair[1]) }
        }
        guard let timestamp, abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = Array(signature(secret: secret, timestamp: timestamp, body: body).utf8)
        // Compare every candidate in full, without stopping at the first differing byte.
        return candidates.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
