import ConcordDomain
import Foundation
import Testing

@Suite struct AlignmentGateTests {
    @Test func onlyForwardMovesIntoOrOverDevelopingAndImplementingAreGated() {
        #expect(AlignmentGate.gates(from: .initiating, to: .developing))
        #expect(AlignmentGate.gates(from: .developing, to: .implementing))
        #expect(AlignmentGate.gates(from: .proposed, to: .implementing))
        #expect(AlignmentGate.gates(from: .initiating, to: .sustaining))
        #expect(!AlignmentGate.gates(from: .proposed, to: .initiating))
        #expect(!AlignmentGate.gates(from: .implementing, to: .sustaining))
        #expect(!AlignmentGate.gates(from: .developing, to: .initiating))
        #expect(!AlignmentGate.gates(from: .developing, to: .developing))
    }

    @Test func theIndexMustMeetTheInitiativesGateElseTheOrganisations() {
        let oneInThree = Decimal(1) / Decimal(3)
        #expect(!AlignmentGate(initiative: nil, organisation: Decimal(string: "0.6")!).admits(index: oneInThree))
        #expect(AlignmentGate(initiative: Decimal(string: "0.3")!, organisation: 1).admits(index: oneInThree))
        #expect(AlignmentGate(initiative: nil, organisation: Decimal(string: "0.6")!).admits(index: Decimal(2) / 3))
    }

    @Test func noRequiredLeaderMeetsOnlyAZeroGate() {
        #expect(!AlignmentGate(threshold: 1).admits(index: nil))
        #expect(AlignmentGate(threshold: 0).admits(index: nil))
        #expect(AlignmentGate(threshold: 1).admits(index: 1))
    }
}
