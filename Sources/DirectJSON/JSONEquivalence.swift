import Foundation

/// Whether two JSON texts hold the same value: objects equal whatever their key order, numbers by their
/// parsed value. What `DirectJSONEncoder` promises against Foundation's encoder, checked by the tests and, in
/// debug builds, on every API response.
public enum JSONEquivalence {
    public static func same(_ first: some Collection<UInt8>, _ second: some Collection<UInt8>) -> Bool {
        let options: JSONSerialization.ReadingOptions = [.fragmentsAllowed]
        guard let left = try? JSONSerialization.jsonObject(with: Data(first), options: options),
            let right = try? JSONSerialization.jsonObject(with: Data(second), options: options)
        else { return false }
        return equal(left, right)
    }

    static func equal(_ left: Any, _ right: Any) -> Bool {
        switch (left, right) {
        case (let left as [String: Any], let right as [String: Any]):
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { equal(value, $0) } ?? false }
        case (let left as [Any], let right as [Any]):
            return left.count == right.count && zip(left, right).allSatisfy(equal)
        case (let left as String, let right as String):
            return left == right
        case (is NSNull, is NSNull):
            return true
        case (let left as NSNumber, let right as NSNumber):
            return left == right && "\(left)" == "\(right)"
        default:
            return false
        }
    }
}
