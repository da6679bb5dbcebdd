import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Random (version 4) UUIDs for request ids, from system randomness fetched 4 KiB at a time.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id: three system calls per request
/// (Benchmarks/api); here one call to glibc's `arc4random_buf` serves 256 ids.
enum RandomUUIDs {
    private struct Reserve {
        var bytes = [UInt8](repeating: 0, count: 4096)
        var used = 4096
    }

    private static let reserve = Mutex(Reserve())

    static func next() -> UUID {
        var id = reserve.withLock { reserve -> uuid_t in
            if reserve.used == reserve.bytes.count {
                reserve.bytes.withUnsafeMutableBytes { fill($0) }
                reserve.used = 0
            }
            defer { reserve.used += 16 }
            return reserve.bytes.withUnsafeBytes { bytes in
                bytes.loadUnaligned(fromByteOffset: reserve.used, as: uuid_t.self)
            }
        }
        id.6 = (id.6 & 0x0F) | 0x40
        id.8 = (id.8 & 0x3F) | 0x80
        return UUID(uuid: id)
    }

    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        #if canImport(Glibc)
            // glibc's arc4random_buf takes the kernel's randomness (getrandom), in one call for the lot.
            arc4random_buf(buffer.baseAddress!, buffer.count)
        #else
            var generator = SystemRandomNumberGenerator()
            for index in buffer.indices { buffer[index] = generator.next() }
        #endif
    }
}
