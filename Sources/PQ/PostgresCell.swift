/// One value of a result in binary format, borrowed from the result that owns it.
public struct PostgresCell {
    /// The bytes, or nil for SQL NULL.
    public let bytes: UnsafeRawBufferPointer?
    public let type: TypeOID
    public let columnIndex: Int
    /// Where the name comes from: it is only needed for an error, so a result's column is named when one is.
    private let name: Name

    private enum Name {
        case column(of: QueryResult)
        case text(String)
    }

    public var columnName: String {
        switch name {
        case .column(let result): result.columnNames[columnIndex]
        case .text(let text): text
        }
    }

    init(bytes: UnsafeRawBufferPointer?, type: TypeOID, result: QueryResult, columnIndex: Int) {
        self.bytes = bytes
        self.type = type
        self.columnIndex = columnIndex
        name = .column(of: result)
    }

    init(bytes: UnsafeRawBufferPointer?, type: TypeOID, columnName: String, columnIndex: Int) {
        self.bytes = bytes
        self.type = type
        self.columnIndex = columnIndex
        name = .text(columnName)
    }

    /// Builds the decoding error that names the column and both types.
    public func mismatch(_ swiftType: Any.Type, reason: String? = nil) -> PostgresError {
        var message = "column \"\(columnName)\" (#\(columnIndex)) of type \(type) cannot be decoded as \(swiftType)"
        if let reason { message += ": \(reason)" }
        return PostgresError(.decoding, message: message, column: columnName)
    }

    /// The bytes of a value that must not be NULL.
    public func requireBytes(_ swiftType: Any.Type) throws -> UnsafeRawBufferPointer {
        guard let bytes else { throw mismatch(swiftType, reason: "the value is NULL; decode an Optional") }
        return bytes
    }
}

extension UnsafeRawBufferPointer {
    /// Reads a big-endian integer at `offset` (network order, as the binary protocol sends it).
    @inline(__always)
    func readBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value: T = 0
        withUnsafeMutableBytes(of: &value) { target in
            target.copyMemory(from: UnsafeRawBufferPointer(rebasing: self[offset..<offset + MemoryLayout<T>.size]))
        }
        return T(bigEndian: value)
    }
}
