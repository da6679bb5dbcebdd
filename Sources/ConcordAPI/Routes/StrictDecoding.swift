import Foundation

/// Decodes a request body while noting every field the request type asks for, so a field it never asks for
/// (a typo, or a field of another version of the API) is refused instead of silently ignored.
///
/// Foundation's decoder reads every key of an object up front and cannot tell which were used, so the
/// request type is decoded through a decoder that wraps Foundation's and records the keys asked for; the
/// body's keys are then compared with them. Where a type reads a value whole (a dictionary's `allKeys`, a
/// single value container) everything below is taken as known: this never refuses a field that is read.
enum StrictDecoding {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let recorder = KeyRecorder()
        let value = try KeyRecorder.$current.withValue(recorder) {
            try JSONCoding.decoder.decode(Recording<T>.self, from: data).value
        }
        if let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let unknown = recorder.firstUnknown(in: json, at: [])
        {
            let field = unknown.map { $0 == "*" ? "[]" : JSONCoding.snakeCase($0) }.joined(separator: ".")
            throw Problem.invalid(
                field: field, rule: "unknown_field", message: "\(field) is not a field of this request")
        }
        return value
    }
}

/// The paths (field names, `*` for any array element) a decode asked for.
final class KeyRecorder: @unchecked Sendable {
    @TaskLocal static var current: KeyRecorder?

    private var asked: Set<[String]> = []
    /// Read whole: anything below is known.
    private var opaque: Set<[String]> = []

    func record(_ path: [String]) { asked.insert(path) }
    func recordOpaque(_ path: [String]) { opaque.insert(path) }

    /// The first key of `json` nobody asked for, as a path of Swift-side names.
    func firstUnknown(in json: Any, at path: [String]) -> [String]? {
        if opaque.contains(path) { return nil }
        switch json {
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                let name = JSONCoding.camelCase(key)
                guard asked.contains(path + [name]) else { return path + [name] }
                if let found = firstUnknown(in: object[key]!, at: path + [name]) { return found }
            }
            return nil
        case let array as [Any]:
            return array.lazy.compactMap { self.firstUnknown(in: $0, at: path + ["*"]) }.first
        default:
            return nil
        }
    }
}

/// The top-level value, decoded through the recording decoder.
private struct Recording<T: Decodable>: Decodable {
    let value: T

    init(from decoder: any Decoder) throws {
        guard let recorder = KeyRecorder.current else {
            value = try T(from: decoder)
            return
        }
        value = try RecordingDecoder.decode(T.self, from: decoder, path: [], recorder: recorder)
    }
}

private struct RecordingDecoder: Decoder {
    let inner: any Decoder
    let path: [String]
    let recorder: KeyRecorder

    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

    /// Types Foundation's decoder reads itself (with its strategies) are left to it, and count as read whole.
    static func decode<T: Decodable>(
        _ type: T.Type, from decoder: any Decoder, path: [String], recorder: KeyRecorder
    ) throws -> T {
        try T(from: RecordingDecoder(inner: decoder, path: path, recorder: recorder))
    }

    static func isLeaf<T>(_ type: T.Type) -> Bool {
        type == Date.self || type == Data.self || type == URL.self || type == Decimal.self || type == UUID.self
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(
            RecordingKeyedContainer(inner: try inner.container(keyedBy: type), path: path, recorder: recorder))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(inner: try inner.unkeyedContainer(), path: path, recorder: recorder)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        recorder.recordOpaque(path)
        return try inner.singleValueContainer()
    }
}

private struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    var inner: KeyedDecodingContainer<Key>
    let path: [String]
    let recorder: KeyRecorder

    var codingPath: [any CodingKey] { inner.codingPath }
    var allKeys: [Key] {
        recorder.recordOpaque(path)
        return inner.allKeys
    }

    func contains(_ key: Key) -> Bool {
        recorder.record(path + [key.stringValue])
        return inner.contains(key)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        recorder.record(path + [key.stringValue])
        return try inner.decodeNil(forKey: key)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        recorder.record(path + [key.stringValue])
        return try inner.decode(type, forKey: key)
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let here = path + [key.stringValue]
        recorder.record(here)
        // A missing key or a leaf goes to Foundation's decoder, for its own errors and strategies.
        guard !RecordingDecoder.isLeaf(type), inner.contains(key), !(try inner.decodeNil(forKey: key)) else {
            recorder.recordOpaque(here)
            return try inner.decode(type, forKey: key)
        }
        return try RecordingDecoder.decode(
            type, from: try inner.superDecoder(forKey: key), path: here, recorder: recorder)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        recorder.record(path + [key.stringValue])
        return KeyedDecodingContainer(
            RecordingKeyedContainer<NestedKey>(
                inner: try inner.nestedContainer(keyedBy: type, forKey: key), path: path + [key.stringValue],
                recorder: recorder))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        recorder.record(path + [key.stringValue])
        return RecordingUnkeyedContainer(
            inner: try inner.nestedUnkeyedContainer(forKey: key), path: path + [key.stringValue], recorder: recorder)
    }

    func superDecoder() throws -> any Decoder {
        recorder.recordOpaque(path)
        return try inner.superDecoder()
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        recorder.record(path + [key.stringValue])
        recorder.recordOpaque(path + [key.stringValue])
        return try inner.superDecoder(forKey: key)
    }
}

private struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    var inner: any UnkeyedDecodingContainer
    let path: [String]
    let recorder: KeyRecorder

    var codingPath: [any CodingKey] { inner.codingPath }
    var count: Int? { inner.count }
    var isAtEnd: Bool { inner.isAtEnd }
    var currentIndex: Int { inner.currentIndex }
    var element: [String] { path + ["*"] }

    mutating func decodeNil() throws -> Bool { try inner.decodeNil() }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try inner.decode(type) }

    mutating func decode(_ type: String.Type) throws -> String { try inner.decode(type) }

    mutating func decode(_ type: Double.Type) throws -> Double { try inner.decode(type) }

    mutating func decode(_ type: Float.Type) throws -> Float { try inner.decode(type) }

    mutating func decode(_ type: Int.Type) throws -> Int { try inner.decode(type) }

    mutating func decode(_ type: Int8.Type) throws -> Int8 { try inner.decode(type) }

    mutating func decode(_ type: Int16.Type) throws -> Int16 { try inner.decode(type) }

    mutating func decode(_ type: Int32.Type) throws -> Int32 { try inner.decode(type) }

    mutating func decode(_ type: Int64.Type) throws -> Int64 { try inner.decode(type) }

    mutating func decode(_ type: UInt.Type) throws -> UInt { try inner.decode(type) }

    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try inner.decode(type) }

    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try inner.decode(type) }

    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try inner.decode(type) }

    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try inner.decode(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        // No look at null first: `decodeNil` would step past it.
        guard !RecordingDecoder.isLeaf(type), !isAtEnd else {
            recorder.recordOpaque(element)
            return try inner.decode(type)
        }
        return try RecordingDecoder.decode(type, from: try inner.superDecoder(), path: element, recorder: recorder)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(
            RecordingKeyedContainer<NestedKey>(
                inner: try inner.nestedContainer(keyedBy: type), path: element, recorder: recorder))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RecordingUnkeyedContainer(inner: try inner.nestedUnkeyedContainer(), path: element, recorder: recorder)
    }

    mutating func superDecoder() throws -> any Decoder {
        recorder.recordOpaque(element)
        return try inner.superDecoder()
    }
}
