/// One value of a result in binary format, borrowed from the result that owns it.
public struct PostgresCell {
    /// The bytes, or nil for SQL NULL.
    public let bytes: UnsafeRawBufferPointer?
    public let type: TypeOID
    public let columnName: String
    public let columnIndex: Int

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
