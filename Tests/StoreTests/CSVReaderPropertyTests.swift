import CSVFormat
import ConcordDomain
import ConcordTestSupport
import Foundation
import Testing

/// The reader over generated files (seeded: `CONCORD_FUZZ_SEED=<n>` replays a run): whatever the writer
/// writes reads back field for field at the right lines, and no byte soup makes the reader crash or point at
/// a line the file does not have.
@Suite struct CSVReaderPropertyTests {
    static var seed: UInt64 { Mutations.seed }

    /// Characters spreadsheets put in cells, weighted towards the ones CSV has to quote.
    static let alphabet: [String] = [
        "a", "Z", "7", " ", ",", "\"", "\r\n", "\n", "\r", ";", "é", "ß", "日", "🙂", "\t", "'", "=",
    ]

    static func field(_ random: inout SplitMix64) -> String {
        let length = Int(random.next() % 8)
        return (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    @Test func writtenRecordsReadBackAtTheirLines() {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let width = 2 + Int(random.next() % 5)
            let rows = (0..<(1 + Int(random.next() % 6))).map { _ in
                (0..<width).map { _ in Self.field(&random) }
            }
            var writer = CSVWriter()
            for row in rows { writer.append(row) }
            let bom: [UInt8] = random.next() % 2 == 0 ? [0xEF, 0xBB, 0xBF] : []
            guard case .success(let records) = CSVReader.records(bom + Array(writer.text.utf8)) else {
                Issue.record("seed \(seed): the writer's own output did not read: \(writer.text.debugDescription)")
                return
            }
            #expect(records.map(\.fields) == rows, "seed \(seed)")
            // A record starts one line after the previous one and every line break inside its fields.
            var line = 1
            var expectedLines: [Int] = []
            for row in rows {
                expectedLines.append(line)
                line += 1 + row.map(Self.lineBreaks).reduce(0, +)
            }
            #expect(records.map(\.line) == expectedLines, "seed \(seed): \(writer.text.debugDescription)")
        }
    }

    /// As the reader counts them inside a quoted field: LF, and a CR not followed by LF.
    static func lineBreaks(_ field: String) -> Int {
        let scalars = Array(field.unicodeScalars)
        return scalars.indices.filter { index in
            scalars[index] == "\n"
                || (scalars[index] == "\r" && (index + 1 == scalars.count || scalars[index + 1] != "\n"))
        }.count
    }

    @Test func mutatedBytesNeverCrashAndErrorsNameLinesOfTheFile() {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        let valid = Array("\u{FEFF}key,name,email\r\nL1,\"Smith, Ann\",ann@acme.test\r\nL2,\"two\nlines\",\r\n".utf8)
        let hostile: [UInt8] = [0x22, 0x2C, 0x0D, 0x0A, 0x00, 0xFF, 0xC3, 0x80, 0xEF, 0xBB, 0xBF, 0x22, 0x22]
        for _ in 0..<2000 {
            let bytes = Mutations.bytes(valid, maxEdits: 4, hostile: hostile, using: &random)
            // Lines as a person counts them: CRLF, LF and a lone CR each end one.
            let text = bytes.map { $0 == 0x0D ? 0x0A : $0 }
            let lines = 1 + text.filter { $0 == 0x0A }.count
            switch CSVReader.records(bytes) {
            case .success(let records):
                #expect(records.allSatisfy { (1...lines).contains($0.line) }, "seed \(seed)")
            case .failure(let failure):
                #expect(!failure.errors.isEmpty, "seed \(seed)")
                #expect(failure.errors.allSatisfy { (1...lines + 1).contains($0.line) }, "seed \(seed): \(bytes)")
            }
        }
    }
}
