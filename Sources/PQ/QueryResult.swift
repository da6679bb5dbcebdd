import CLibPQ
import Foundation
import Synchronization

/// The rows of one statement, owning its `PGresult` and freeing it exactly once.
public final class QueryResult: @unchecked Sendable, RandomAccessCollection {
    // A PGresult is immutable once returned, so reading it from any thread is safe.
    let pointer: OpaquePointer
    public let columnCount: Int
    /// Made on first use: decoding by name compares with libpq's own names, so most results never need these.
    /// Behind a lock, unlike the decoding state below: any task holding the result may ask for them.
    public var columnNames: [String] {
        names.withLock { names in
            if let names { return names }
            let made = (0..<columnCount).map { String(cString: PQfname(pointer, Int32($0))) }
            names = made
            return made
        }
    }
    private let names = Mutex<[String]?>(nil)
    /// Built on the first lookup by name in a wide result; a narrow one is searched in place, which
    /// costs less than hashing (and allocating) for every result.
    private lazy var columnIndex: [String: Int] = {
        var map: [String: Int] = [:]
        for (index, name) in columnNames.enumerated() where map[name] == nil { map[name] = index }
        return map
    }()
    private static let linearSearchLimit = 16

    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
        columnCount = Int(PQnfields(pointer))
        count = Int(PQntuples(pointer))
    }

    deinit { PQclear(pointer) }

    public let count: Int
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public subscript(position: Int) -> Row { Row(result: self, index: position) }

    /// Rows changed by an INSERT, UPDATE or DELETE.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(pointer))) ?? 0 }

    /// The column after the one the last lookup by name found. Rows are decoded field by field in the order
    /// of their SELECT list, so the name asked for next is nearly always that column's: one comparison instead
    /// of a search or a hash (the lookups were 2% of the API's CPU on the initiative read, Benchmarks/api).
    /// Like `columnIndex`, a plain var: a result is decoded by one task at a time.
    private var nextColumn = 0
    /// Whether every column has its own name, so that finding a name at the guessed column means it is the
    /// first column of that name, as a search would find.
    /// Checked once per result, lengths first, so it costs less than the searches it saves.
    private lazy var namesAreUnique: Bool = {
        for index in 0..<columnCount {
            guard let name = PQfname(pointer, Int32(index)) else { continue }
            for earlier in 0..<index {
                if let other = PQfname(pointer, Int32(earlier)), strcmp(other, name) == 0 { return false }
            }
        }
        return true
    }()

    /// Whether column `column` is called `name`, compared with libpq's C string: no String is made.
    private func column(_ column: Int, isNamed name: String) -> Bool {
        guard let cName = PQfname(pointer, Int32(column)) else { return false }
        var name = name
        return name.withUTF8 { utf8 in
            utf8.count == strlen(cName) && (utf8.isEmpty || memcmp(utf8.baseAddress!, cName, utf8.count) == 0)
        }
    }

    @usableFromInline
    func index(ofColumn name: String) throws -> Int {
        let guess = nextColumn
        if guess < columnCount, column(guess, isNamed: name), namesAreUnique {
            nextColumn = guess + 1
            return guess
        }
        let found =
            columnCount <= Self.linearSearchLimit
            ? columnNames.firstIndex(of: name) : columnIndex[name]
        if let found { nextColumn = found + 1 }
        guard let index = found else {
            throw PostgresError(
                .decoding,
                message: "no column \"\(name)\" in the result (columns: \(columnNames.joined(separator: ", ")))")
        }
        return index
    }

    @usableFromInline
    func cell(row: Int, column: Int) -> PostgresCell {
        let r = Int32(row)
        let c = Int32(column)
        let bytes: UnsafeRawBufferPointer?
        if PQgetisnull(pointer, r, c) == 1 {
            bytes = nil
        } else {
            bytes = UnsafeRawBufferPointer(start: PQgetvalue(pointer, r, c), count: Int(PQgetlength(pointer, r, c)))
        }
        return PostgresCell(bytes: bytes, type: TypeOID(PQftype(pointer, c)), result: self, columnIndex: column)
    }
}

/// One row of a result; values are decoded on demand by column name or position.
///
/// The decoders are `@inlinable` so the caller's module specialises them for each type it reads: through the
/// module boundary each value went through the protocol's witness table and the cell's value witnesses.
public struct Row: Sendable {
    @usableFromInline let result: QueryResult
    @usableFromInline let index: Int

    @inlinable
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try T.decode(from: result.cell(row: index, column: try result.index(ofColumn: column)))
    }

    @inlinable
    public func decode<T: PostgresDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        guard column >= 0 && column < result.columnCount else {
            throw PostgresError(
                .decoding, message: "column #\(column) is out of range (\(result.columnCount) columns)")
        }
        return try T.decode(from: result.cell(row: index, column: column))
    }

    /// Decodes the leading columns in order as a tuple: `let (id, name) = try row.decode((UUID, String).self)`.
    public func decode<each T: PostgresDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        var column = 0
        func next<U: PostgresDecodable>(_: U.Type) throws -> U {
            defer { column += 1 }
            return try decode(column, as: U.self)
        }
        return (repeat try next((each T).self))
    }
}
