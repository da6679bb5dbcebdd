import Foundation

/// The `Encoder` behind `DirectJSONEncoder`: one growing byte array and the objects and arrays still open.
@usableFromInline final class JSONSink: Encoder {
    // The sink is never shared between threads or reentered, so the per-access exclusivity checks of class
    // properties are only cost (4% of the API's CPU in a profile).
    @exclusivity(unchecked) @usableFromInline var bytes: [UInt8]
    let keyName: (@Sendable (String) -> String)?
    /// Why the output cannot be trusted, once a value did something only a tree-building encoder can follow.
    @exclusivity(unchecked) var unsupported: String?

    @usableFromInline var codingPath: [any CodingKey] { [] }
    @usableFromInline var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// An object or array written up to its last member: closed by `closer` once whoever holds it is done.
    struct Level {
        let serial: Int
        let closer: UInt8
        var empty = true
    }

    /// Innermost last. A container knows its level by serial, so it can tell whether it is still open.
    @exclusivity(unchecked) private var levels: [Level] = []
    @exclusivity(unchecked) private var serials = 0
    /// Levels open when the value now being encoded started; it closes whatever it opened above them.
    @exclusivity(unchecked) private var valueBase = 0
    /// The container the current value asked for, so asking again continues it, as Foundation's does.
    @exclusivity(unchecked) private var valueContainer: Int?

    init(keyName: (@Sendable (String) -> String)?, capacity: Int) {
        self.keyName = keyName
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Values

    func encodeValue<T: Encodable>(_ value: T) throws {
        if try writeScalar(value) { return }
        if let writable = value as? any DirectJSONWritable {
            try writeObject(writable)
            return
        }
        if let dictionary = value as? any StringKeyedJSONObject {
            try dictionary.writeObject(to: self)
            return
        }
        let savedBase = valueBase
        let savedContainer = valueContainer
        let start = bytes.count
        valueBase = levels.count
        valueContainer = nil
        defer {
            valueBase = savedBase
            valueContainer = savedContainer
        }
        try value.encode(to: self)
        close(downTo: valueBase)
        // Foundation writes a value that encoded nothing as an empty object.
        if bytes.count == start { bytes.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")]) }
    }

    /// The types Foundation's encoder writes itself rather than through their `Encodable` conformance, and
    /// the scalars, without going through a container.
    private func writeScalar<T: Encodable>(_ value: T) throws -> Bool {
        // Type identity, not `as?` casts: a cast costs a runtime call for every struct that is none of these.
        // The lists the API sends most (ids) are written here too, without a container per element.
        if T.self == String.self {
            writeString(_identityCast(value, to: String.self))
        } else if T.self == Int.self {
            writeInteger(_identityCast(value, to: Int.self))
        } else if T.self == Bool.self {
            bytes.append(contentsOf: _identityCast(value, to: Bool.self) ? JSONSink.trueBytes : JSONSink.falseBytes)
        } else if T.self == UUID.self {
            writeUUID(_identityCast(value, to: UUID.self))
        } else if T.self == [UUID].self {
            writeUUIDs(_identityCast(value, to: [UUID].self))
        } else if T.self == Date.self {
            writeDate(_identityCast(value, to: Date.self))
        } else if T.self == Decimal.self {
            writeDecimal(_identityCast(value, to: Decimal.self))
        } else if T.self == Double.self {
            try writeFloatingPoint(_identityCast(value, to: Double.self))
        } else if T.self == URL.self {
            writeString((_identityCast(value, to: URL.self)).absoluteString)
        } else if T.self == Data.self {
            writeString((_identityCast(value, to: Data.self)).base64EncodedString())
        } else if T.self == Float.self {
            try writeFloatingPoint(_identityCast(value, to: Float.self))
        } else if T.self == Int64.self {
            writeInteger(_identityCast(value, to: Int64.self))
        } else if T.self == Int32.self {
            writeInteger(_identityCast(value, to: Int32.self))
        } else if T.self == Int16.self {
            writeInteger(_identityCast(value, to: Int16.self))
        } else if T.self == Int8.self {
            writeInteger(_identityCast(value, to: Int8.self))
        } else if T.self == UInt.self {
            writeInteger(_identityCast(value, to: UInt.self))
        } else if T.self == UInt64.self {
            writeInteger(_identityCast(value, to: UInt64.self))
        } else if T.self == UInt32.self {
            writeInteger(_identityCast(value, to: UInt32.self))
        } else if T.self == UInt16.self {
            writeInteger(_identityCast(value, to: UInt16.self))
        } else if T.self == UInt8.self {
            writeInteger(_identityCast(value, to: UInt8.self))
        } else {
            return false
        }
        return true
    }

    // MARK: Containers

    @usableFromInline func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedSink<Key>(sink: self, serial: valueLevel(opening: UInt8(ascii: "{"))))
    }

    @usableFromInline func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedSink(sink: self, serial: valueLevel(opening: UInt8(ascii: "[")))
    }

    @usableFromInline func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueSink(sink: self)
    }

    /// The current value's object or array: opened on the first request, continued on the next.
    private func valueLevel(opening opener: UInt8) -> Int {
        if let serial = valueContainer, levels.count > valueBase, levels[valueBase].serial == serial {
            close(downTo: valueBase + 1)
            return serial
        }
        let serial = open(opener)
        valueContainer = serial
        return serial
    }

    func open(_ opener: UInt8) -> Int {
        bytes.append(opener)
        serials += 1
        levels.append(
            Level(serial: serials, closer: opener == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")))
        return serials
    }

    /// How many objects and arrays are open.
    var depth: Int { levels.count }

    func close(downTo count: Int) {
        while levels.count > count {
            bytes.append(levels.removeLast().closer)
        }
    }

    /// Makes the level `serial` the innermost again (its nested containers are done once it writes on) and
    /// starts its next member. Nothing is written if it was closed already: that use is flagged instead.
    func nextMember(of serial: Int) -> Bool {
        guard let index = levels.lastIndex(where: { $0.serial <= serial }), levels[index].serial == serial else {
            unsupported = "a container was written to after a container opened before it had moved on"
            return false
        }
        close(downTo: index + 1)
        if levels[index].empty {
            levels[index].empty = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        return true
    }

    /// `"name":` in an object.
    func writeKey(_ name: String, converted: Bool) {
        writeString(converted ? keyName?(name) ?? name : name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Foundation's encoders give the super class its own encoder; a writer that never goes back cannot.
    func unsupportedSuperEncoder() -> any Encoder {
        unsupported = "superEncoder() is not supported"
        return JSONSink(keyName: keyName, capacity: 0)
    }

    static let trueBytes = Array("true".utf8)
    static let falseBytes = Array("false".utf8)
    static let nullBytes = Array("null".utf8)
}

/// A `[String: Value]` dictionary: an object whose keys Foundation writes as they are, never renamed.
protocol StringKeyedJSONObject {
    func writeObject(to sink: JSONSink) throws
}

extension Dictionary: StringKeyedJSONObject where Key == String, Value: Encodable {
    func writeObject(to sink: JSONSink) throws {
        let depth = sink.depth
        let serial = sink.open(UInt8(ascii: "{"))
        for key in keys.sorted() {
            guard sink.nextMember(of: serial) else { return }
            sink.writeKey(key, converted: false)
            try sink.encodeValue(self[key]!)
        }
        sink.close(downTo: depth)
    }
}
