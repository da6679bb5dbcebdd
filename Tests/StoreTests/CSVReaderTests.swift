import CSVFormat
import Testing

/// The reader takes CSV as spreadsheets export it and says which line each record starts on.
@Suite struct CSVReaderTests {
    func read(_ text: String) -> Result<[CSVRecord], CSVSyntaxErrors> {
        CSVReader.records([0xEF, 0xBB, 0xBF] + Array(text.utf8))
    }

    @Test func byteOrderMarkCRLFQuotedCommasAndLineBreaks() throws {
        let records = try read(
            "key,name,,\r\na,\"Smith, Ann\",,\r\nb,\"two\r\nlines \"\"quoted\"\"\",,\r\n\r\nc,last,,"
        )
        .get()
        #expect(records.map(\.line) == [1, 2, 3, 6])
        #expect(records[0].fields == ["key", "name", "", ""])
        #expect(records[1].fields == ["a", "Smith, Ann", "", ""])
        #expect(records[2].fields == ["b", "two\r\nlines \"quoted\"", "", ""])
        #expect(records[3].fields == ["c", "last", "", ""])
    }

    @Test func syntaxErrorsNameTheirLines() {
        guard case .failure(let failure) = read("a,b\n\"open,x\nc,d\ne,f\"g\n") else {
            Issue.record("expected syntax errors")
            return
        }
        #expect(failure.errors.map(\.line) == [4])
        guard case .failure(let unclosed) = read("a,b\nc,\"never\nclosed\n") else {
            Issue.record("expected syntax errors")
            return
        }
        #expect(unclosed.errors.map(\.line) == [2])
        #expect(unclosed.errors.map(\.message) == ["a quoted field is never closed"])
    }

    @Test func writerQuotesOnlyWhatNeedsIt() throws {
        var writer = CSVWriter()
        writer.append(["plain", "a, b", "say \"hi\"", "two\nlines", ""])
        #expect(writer.text == "plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n")
        #expect(
            try CSVReader.records(Array(writer.text.utf8)).get()[0].fields == [
                "plain", "a, b", "say \"hi\"", "two\nlines", "",
            ])
    }
}
