import Foundation

/// RFC 7396 JSON Merge Patch over the editable fields of a resource: fields the patch names change,
/// `null` clears one, the rest keep their current values.
enum MergePatch {
    static func apply<Fields: Codable>(_ patch: Data, to current: Fields) throws -> Fields {
        try JSONBodyScreen.check(patch)
        try RouteSupport.refuseNUL(in: patch)
        // An empty or malformed body is the client's mistake (400), never an unhandled error (500).
        guard let changes = (try? JSONSerialization.jsonObject(with: patch)) as? [String: Any] else {
            throw Problem.badRequest("a PATCH body is a JSON object of the fields to change")
        }
        let encoded = Data(try JSONCoding.body(current))
        var merged = (try JSONSerialization.jsonObject(with: encoded) as? [String: Any]) ?? [:]
        for (key, value) in changes {
            if value is NSNull { merged.removeValue(forKey: key) } else { merged[key] = value }
        }
        return try StrictDecoding.decode(Fields.self, from: JSONSerialization.data(withJSONObject: merged))
    }
}
