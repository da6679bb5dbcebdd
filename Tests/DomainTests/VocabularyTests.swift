import ConcordDomain
import Foundation
import Testing

@Suite struct VocabularyTests {
    @Test func rawValuesAreSnakeCase() {
        #expect(Health.allCases.map(\.rawValue) == ["on_track", "at_risk", "off_track"])
        #expect(NodeKind.criticalSuccessFactor.rawValue == "critical_success_factor")
        #expect(RatingSource.import.rawValue == "import")
        #expect(Stage.allCases.count == 6)
        #expect(Stage(rawValue: "sustaining") == .sustaining)
    }

    @Test func buyInIsOrderedAlongTheJourney() {
        #expect(BuyIn.allCases.sorted() == [.unaware, .aware, .understands, .committed, .acting])
        #expect(BuyIn.aware < BuyIn.committed)
        #expect(!(BuyIn.acting < BuyIn.acting))
    }

    @Test func worstStatusWins() {
        #expect(NodeStatus.worst([.green, .amber, .green]) == .amber)
        #expect(NodeStatus.worst([.amber, .red]) == .red)
        #expect(NodeStatus.worst([]) == .green)
    }

    @Test func scopesImplyLowerScopes() {
        #expect(Scope.admin.allows(.read))
        #expect(Scope.write.allows(.write))
        #expect(!Scope.read.allows(.write))
    }

    @Test func codableUsesRawValues() throws {
        let data = try JSONEncoder().encode([Health.atRisk])
        #expect(String(decoding: data, as: UTF8.self) == #"["at_risk"]"#)
    }
}
