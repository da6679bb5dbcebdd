import ConcordDomain
import Foundation
import Testing

@Suite struct ReadinessSpreadTests {
    @Test func spreadIsTheHighestGroupMeanLessTheLowestAndNeedsTwoGroups() {
        #expect(
            ReadinessSpread.spread([Decimal(string: "4.5")!, 1, Decimal(string: "2.5")!]) == Decimal(string: "3.5"))
        #expect(ReadinessSpread.spread([3, 3]) == 0, "two groups in agreement: a spread of 0")
        #expect(ReadinessSpread.spread([4]) == nil, "one group alone: nothing to compare")
        #expect(ReadinessSpread.spread([]) == nil)
    }

    @Test func mostDisagreedComeFirstThenTheQuestionnairesOrderThenThoseWithoutASpread() {
        let questions: [(String, Decimal?)] = [("a", 0), ("b", nil), ("c", 2), ("d", 0), ("e", 3), ("f", 2)]
        let ordered = ReadinessSpread.mostDisagreedFirst(questions) { $0.1 }.map { $0.0 }
        #expect(ordered == ["e", "c", "f", "a", "d", "b"])
    }

    @Test func hrComesBeforeTheExecutiveFlagAndEveryoneElseIsAnAreaLeader() {
        #expect(LeaderGroup(isExecutive: true, isHR: true) == .hr)
        #expect(LeaderGroup(isExecutive: false, isHR: true) == .hr)
        #expect(LeaderGroup(isExecutive: true, isHR: false) == .executive)
        #expect(LeaderGroup(isExecutive: false, isHR: false) == .area)
    }
}
