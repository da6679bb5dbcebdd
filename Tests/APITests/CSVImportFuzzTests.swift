import ConcordDomain
import ConcordTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The CSV importer over HTTP with hostile files (seeded: `CONCORD_FUZZ_SEED=<n>` replays a run): good files
/// cut, corrupted and stuffed with quotes, NUL bytes, invalid UTF-8 and stray line ends, for every kind. Each
/// answer is a success or a 4xx problem+json whose errors name lines of the file, never a 5xx.
@Suite struct CSVImportFuzzTests {
    static let files: [(kind: String, text: String)] = [
        ("areas", "\u{FEFF}key,name,parent_key\r\nops,Operations,\r\nit,\"IT, Infra\",ops\r\n"),
        (
            "leaders",
            "key,name,email,area_key,head\r\nL1,Ann,ann@acme.test,it,yes\r\nL2,\"Bob\nB.\",bob@acme.test,ops,\r\n"
        ),
        (
            "initiatives",
            "key,title,lead_area_key,supporting_areas,importance\r\nERP,\"ERP, phase 2\",it,ops: train staff,4\r\n"
        ),
        ("ratings", "initiative_key,leader,priority,buy_in,rated_at\r\nERP,L1,3,aware,2026-03-01\r\n"),
    ]
    static let hostile: [UInt8] = [0x22, 0x2C, 0x0D, 0x0A, 0x00, 0xFF, 0xC3, 0x28, 0xEF, 0xBB, 0xBF, 0x3A, 0x3B]

    @Test func hostileFilesGetA4xxNamingLinesNeverA5xx() async throws {
        let seed = Mutations.seed
        let fixture = try await APIFixture.make()
        defer { Task { await fixture.close() } }
        let org = try await fixture.createOrganisation("Acme")
        let key = try await fixture.key(for: org).secret
        try await fixture.application().test(.live) { client in
            var random = SplitMix64(seed: seed)
            var statuses: [Int: Int] = [:]
            for round in 0..<160 {
                let file = Self.files[round % Self.files.count]
                let bytes =
                    round < Self.files.count
                    ? Array(file.text.utf8)
                    : Mutations.bytes(Array(file.text.utf8), maxEdits: 4, hostile: Self.hostile, using: &random)
                let response = try await client.execute(
                    uri: "/v1/orgs/\(org)/imports/\(file.kind)", method: .post,
                    headers: [.authorization: "Bearer \(key)", .contentType: "text/csv"],
                    body: ByteBuffer(bytes: bytes))
                statuses[response.status.code, default: 0] += 1
                let context = "seed \(seed), round \(round), \(file.kind): \(bytes)"
                #expect(response.status.code < 500, "\(context) answered \(response.status)")
                guard response.status.code >= 400 else { continue }
                #expect(response.headers[.contentType] == "application/problem+json", "\(context)")
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let lines = 1 + bytes.filter { $0 == 0x0A || $0 == 0x0D }.count
                for error in body?["errors"] as? [[String: Any]] ?? [] {
                    if let line = error["line"] as? Int {
                        #expect((1...lines + 1).contains(line), "\(context): line \(line) of \(lines)")
                    }
                }
            }
            // The good files load (the first round of each kind), so the mutations ran against real rows.
            #expect((statuses[200] ?? 0) >= Self.files.count, "\(statuses)")
            #expect((statuses[422] ?? 0) + (statuses[400] ?? 0) > 0, "\(statuses)")
        }
    }
}
