import Foundation

/// A value that writes its JSON object's fields itself, straight into `DirectJSONEncoder`'s bytes.
///
/// Through the `Encoder` protocol every field costs a keyed container call, a `CodingKey` existential and a
/// generic dispatch: 15.9% of the API's CPU on the initiative read (Benchmarks/api). A conformer must write
/// what its `encode(to:)` writes, field for field (names from its `CodingKeys`, an optional omitted when nil as
/// synthesized conformances do), so both encoders still agree; a test holds each conformer to that.
public protocol DirectJSONWritable: Encodable {
    func writeFields(into object: inout JSONObjectWriter) throws
}

/// The fields of one JSON object being written: a name and a value at a time, commas put in between.
/// Names are renamed by the encoder's `keyName`, as the `Encoder` path renames `CodingKey`s.
///
/// The generic fields (nested objects and lists of them) are `@inlinable`, so the module writing a type
/// specialises them for it: called across the module boundary, each went through generic metadata and value
/// witnesses (the writer's generic fields were 6.3% of the API's CPU inclusive, fifth pass).
public struct JSONObjectWriter {
    @usableFromInline let sink: JSONSink
    private var empty = true

    @usableFromInline init(sink: JSONSink) {
        self.sink = sink
    }

    @usableFromInline mutating func name(_ name: String) {
        if empty {
            empty = false
        } else {
            sink.bytes.append(UInt8(ascii: ","))
        }
        sink.writeKey(name, converted: true)
    }

    public mutating func field(_ name: String, _ value: String) {
        self.name(name)
        sink.writeString(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        self.name(name)
        sink.writeInteger(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        self.name(name)
        sink.bytes.append(contentsOf: value ? JSONSink.trueBytes : JSONSink.falseBytes)
    }

    public mutating func field(_ name: String, _ value: UUID) {
        self.name(name)
        sink.writeUUID(value)
    }

    public mutating func field(_ name: String, _ value: [UUID]) {
        self.name(name)
        sink.writeUUIDs(value)
    }

    public mutating func field(_ name: String, _ value: Date) {
        self.name(name)
        sink.writeDate(value)
    }

    public mutating func field(_ name: String, _ value: Decimal) {
        self.name(name)
        sink.writeDecimal(value)
    }

    public mutating func field(_ name: String, _ value: Double) throws {
        self.name(name)
        try sink.writeFloatingPoint(value)
    }

    @inlinable
    public mutating func field<T: DirectJSONWritable>(_ name: String, _ value: T) throws {
        self.name(name)
        try sink.writeObject(value)
    }

    @inlinable
    public mutating func field<T: DirectJSONWritable>(_ name: String, _ values: [T]) throws {
        self.name(name)
        sink.bytes.append(UInt8(ascii: "["))
        for index in values.indices {
            if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            try sink.writeObject(values[index])
        }
        sink.bytes.append(UInt8(ascii: "]"))
    }

    /// Any other value, through its `Encodable` conformance (a date without time, a property wrapper).
    public mutating func field<T: Encodable>(_ name: String, encoding value: T) throws {
        self.name(name)
        try sink.encodeValue(value)
    }

    /// `"name":null`, as a value that encodes nil itself (not an omitted optional) writes it.
    public mutating func null(_ name: String) {
        self.name(name)
        sink.bytes.append(contentsOf: JSONSink.nullBytes)
    }

    // Optionals: nothing at all when nil, as a synthesized `encodeIfPresent` writes them.

    public mutating func field(_ name: String, _ value: String?) {
        if let value { field(name, value) }
    }

    public mutating func field(_ name: String, _ value: Int?) {
        if let value { field(name, value) }
    }

    public mutating func field(_ name: String, _ value: UUID?) {
        if let value { field(name, value) }
    }

    public mutating func field(_ name: String, _ value: Date?) {
        if let value { field(name, value) }
    }

    public mutating func field(_ name: String, _ value: Decimal?) {
        if let value { field(name, value) }
    }

    @inlinable
    public mutating func field<T: DirectJSONWritable>(_ name: String, _ value: T?) throws {
        if let value { try field(name, value) }
    }

    public mutating func field<T: Encodable>(_ name: String, encodingIfPresent value: T?) throws {
        if let value { try field(name, encoding: value) }
    }
}

extension JSONSink {
    @inlinable
    func writeObject<T: DirectJSONWritable>(_ value: T) throws {
        bytes.append(UInt8(ascii: "{"))
        var object = JSONObjectWriter(sink: self)
        try value.writeFields(into: &object)
        bytes.append(UInt8(ascii: "}"))
    }
}
