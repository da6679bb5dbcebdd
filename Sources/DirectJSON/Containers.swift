/// An object's fields, written as they come.
struct KeyedSink<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let sink: JSONSink
    let serial: Int
    var codingPath: [any CodingKey] { [] }

    private func start(_ key: Key) -> Bool {
        guard sink.nextMember(of: serial) else { return false }
        sink.writeKey(key.stringValue, converted: true)
        return true
    }

    mutating func encodeNil(forKey key: Key) throws {
        if start(key) { sink.bytes.append(contentsOf: JSONSink.nullBytes) }
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        if start(key) { try sink.encodeValue(value) }
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws { if start(key) { try sink.encodeValue(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { if start(key) { sink.writeString(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        if start(key) { try sink.writeFloatingPoint(value) }
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        if start(key) { try sink.writeFloatingPoint(value) }
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { if start(key) { sink.writeInteger(value) } }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        _ = start(key)
        return KeyedEncodingContainer(KeyedSink<NestedKey>(sink: sink, serial: sink.open(UInt8(ascii: "{"))))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        _ = start(key)
        return UnkeyedSink(sink: sink, serial: sink.open(UInt8(ascii: "[")))
    }

    mutating func superEncoder() -> any Encoder { sink.unsupportedSuperEncoder() }
    mutating func superEncoder(forKey key: Key) -> any Encoder { sink.unsupportedSuperEncoder() }
}

/// An array's elements, written as they come.
struct UnkeyedSink: UnkeyedEncodingContainer {
    let sink: JSONSink
    let serial: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { [] }

    init(sink: JSONSink, serial: Int) {
        self.sink = sink
        self.serial = serial
    }

    private mutating func start() -> Bool {
        count += 1
        return sink.nextMember(of: serial)
    }

    mutating func encodeNil() throws { if start() { sink.bytes.append(contentsOf: JSONSink.nullBytes) } }
    mutating func encode<T: Encodable>(_ value: T) throws { if start() { try sink.encodeValue(value) } }
    mutating func encode(_ value: String) throws { if start() { sink.writeString(value) } }
    mutating func encode(_ value: Bool) throws { if start() { try sink.encodeValue(value) } }
    mutating func encode(_ value: Double) throws { if start() { try sink.writeFloatingPoint(value) } }
    mutating func encode(_ value: Float) throws { if start() { try sink.writeFloatingPoint(value) } }
    mutating func encode(_ value: Int) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: Int8) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: Int16) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: Int32) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: Int64) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt8) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt16) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt32) throws { if start() { sink.writeInteger(value) } }
    mutating func encode(_ value: UInt64) throws { if start() { sink.writeInteger(value) } }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        _ = start()
        return KeyedEncodingContainer(KeyedSink<NestedKey>(sink: sink, serial: sink.open(UInt8(ascii: "{"))))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        _ = start()
        return UnkeyedSink(sink: sink, serial: sink.open(UInt8(ascii: "[")))
    }

    mutating func superEncoder() -> any Encoder { sink.unsupportedSuperEncoder() }
}

/// One value, written where the container that asked for it stands.
struct SingleValueSink: SingleValueEncodingContainer {
    let sink: JSONSink
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { sink.bytes.append(contentsOf: JSONSink.nullBytes) }
    mutating func encode<T: Encodable>(_ value: T) throws { try sink.encodeValue(value) }
    mutating func encode(_ value: String) throws { sink.writeString(value) }
    mutating func encode(_ value: Bool) throws { try sink.encodeValue(value) }
    mutating func encode(_ value: Double) throws { try sink.writeFloatingPoint(value) }
    mutating func encode(_ value: Float) throws { try sink.writeFloatingPoint(value) }
    mutating func encode(_ value: Int) throws { sink.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { sink.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { sink.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { sink.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { sink.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { sink.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { sink.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { sink.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { sink.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { sink.writeInteger(value) }
}
