import Foundation
import Testing
import UUIDText

/// UUIDs are spelled and read by table instead of Foundation's `snprintf` and `sscanf`: the same text, and
/// the same ids accepted, as Foundation's `uuidString` and `UUID(uuidString:)`.
@Suite struct UUIDTextTests {
    @Test func spellsAsUUIDStringDoesInBothCases() {
        let ids =
            [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] + (0..<1_000).map { _ in UUID() }
            + [UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255))]
        for id in ids {
            #expect(UUIDText.string(id) == id.uuidString)
            #expect(UUIDText.string(id, lowercase: true) == id.uuidString.lowercased())
        }
    }

    @Test func readsTheUsualSpellingInAnyCase() {
        for _ in 0..<1_000 {
            let id = UUID()
            let mixed = String(id.uuidString.map { Bool.random() ? Character($0.lowercased()) : $0 })
            for text in [id.uuidString, id.uuidString.lowercased(), mixed] {
                #expect(UUIDText.uuid(text) == id)
                #expect(UUIDText.uuid(text) == UUID(uuidString: text))
            }
        }
    }

    @Test func acceptsAndRefusesWhatFoundationDoes() {
        let id = "3F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F60718"
        let odd = [
            "", "not a uuid", String(id.dropLast()), id + "0", id + " ", " " + id, "{\(id)}",
            "3F2A6C1E9B4D4E8AA1B2C3D4E5F60718", "3F2A6C1E-9B4D-4E8A-A1B2C-3D4E5F60718",
            "3F2A6C1G-9B4D-4E8A-A1B2-C3D4E5F60718",
            "3F2A6C1E_9B4D-4E8A-A1B2-C3D4E5F60718", "+F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F60718",
            " F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F60718", "3F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F6071\u{0}",
            "3F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F6071é", "３F2A6C1E-9B4D-4E8A-A1B2-C3D4E5F6071",
        ]
        for text in odd {
            #expect(UUIDText.uuid(text) == UUID(uuidString: text), "\(text.debugDescription)")
        }
    }
}
