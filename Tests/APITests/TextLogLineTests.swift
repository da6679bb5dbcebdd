import Foundation
import Logging
import Testing

@testable import ConcordLogging

/// The text log line, written as bytes since the fourth pass, is the line swift-log's `StreamLogHandler` format
/// made from merged metadata before it, and its time is Foundation's ISO 8601 spelling with milliseconds.
@Suite struct TextLogLineTests {
    @Test func timesAreSpelledAsFoundationSpellsThem() throws {
        var cases: [(Int64, Int)] = [
            (0, 0), (-1, 999_500_000), (-86_400, 500_000_000), (951_782_400, 1_000_000), (4_107_542_399, 999_500_000),
            (253_402_300_799, 999_500_000), (1_795_849_200, 123_456_789),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let seconds = Int64.random(in: -2_208_988_800..<253_402_300_800, using: &generator)
            // Inside the millisecond, so the Double a Date holds cannot fall on its other side.
            cases.append((seconds, Int.random(in: 0..<1_000, using: &generator) * 1_000_000 + 500_000))
        }
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        for (seconds, nanoseconds) in cases {
            var bytes: [UInt8] = []
            LogTime.append(seconds: seconds, nanoseconds: nanoseconds, to: &bytes)
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
            #expect(String(decoding: bytes, as: UTF8.self) == date.formatted(style), "\(seconds) s \(nanoseconds) ns")
        }
    }

    @Test func aTextLineIsTheMergedMetadataSortedWithTheMostSpecificWinning() throws {
        let lines = CapturedLines()
        var logger = Logger(label: "concord-api") {
            LineLogHandler(
                label: $0, format: .text,
                metadataProvider: Logger.MetadataProvider { ["job": "nudge", "shared": "provider"] }, sink: lines.sink)
        }
        logger[metadataKey: "request_id"] = "req-1"
        logger[metadataKey: "shared"] = "handler"
        let before = Date()
        logger.info(
            "request",
            metadata: [
                "status": .stringConvertible(200), "path": "/v1/orgs", "shared": "call",
                "list": .array(["a", "b"]), "map": .dictionary(["k": "v"]),
            ],
            source: "ConcordAPI")
        logger.error("failed", error: CocoaError(.fileNoSuchFile))
        logger.info("bare")

        let written = lines.text.split(separator: "\n").map(String.init)
        try #require(written.count == 3)
        let list = Logger.Metadata.Value.array(["a", "b"])
        let map = Logger.Metadata.Value.dictionary(["k": "v"])
        #expect(
            written[0].dropFirst(25)
                == "info concord-api: job=nudge list=\(list) map=\(map) path=/v1/orgs request_id=req-1 shared=call"
                + " status=200 [ConcordAPI] request")
        #expect(written[1].dropFirst(25).hasPrefix("error concord-api: error=\(CocoaError(.fileNoSuchFile)) job=nudge"))
        #expect(written[2].dropFirst(25).hasSuffix(" shared=provider [APITests] bare"))
        let time = try Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(String(written[0].prefix(24)))
        #expect(abs(time.timeIntervalSince(before)) < 5)
        #expect(written[0].dropFirst(24).first == " ")
    }
}
