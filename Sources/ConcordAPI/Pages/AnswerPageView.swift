import ConcordDomain
import ConcordStore
import Foundation

/// What `answer.mustache` shows: plain values only (the templates escape each one), optional parts as
/// lists of zero or one.
struct AnswerPageView {
    let organisation: String
    let title: String
    let leader: String
    let digest: Bool
    let error: [String]
    let items: [Item]

    struct Item {
        let index: Int
        let nudge: String
        let initiative: String
        let why: String
        let leadArea: String
        let ask: String
        let importance: Int
        let lastAnswer: String
        let open: Bool
        let closed: String
        let priorities = AnswerPageView.priorities
        let stages = AnswerPageView.stages
    }

    struct Choice {
        let value: String
        let label: String
    }

    static let priorities = [
        Choice(value: "1", label: "low"), Choice(value: "2", label: ""), Choice(value: "3", label: ""),
        Choice(value: "4", label: ""), Choice(value: "5", label: "top"),
    ]

    static let stages = BuyIn.allCases.map { Choice(value: $0.rawValue, label: label($0)) }

    init(_ page: NudgePage, error: String? = nil) {
        organisation = page.organisationName
        leader = page.leaderName
        digest = page.isDigest && page.items.count > 1
        title =
            digest
            ? "\(page.items.count) initiatives to revisit"
            : "How important is this initiative to your area now?"
        self.error = error.map { [$0] } ?? []
        items = page.items.enumerated().map { index, item in
            Item(
                index: index + 1, nudge: item.nudgeID.uuidString.lowercased(), initiative: item.initiativeTitle,
                why: Self.why(item.reason), leadArea: item.leadAreaName, ask: Self.ask(item),
                importance: item.importance, lastAnswer: Self.lastAnswer(item.lastAnswer), open: item.closed == nil,
                closed: item.closed.map(Self.closed) ?? "")
        }
    }

    /// The nudge's reason in the leader's words.
    static func why(_ reason: NudgeReason) -> String {
        switch reason {
        case .cadence: "A regular revisit: priorities drift even when an initiative runs smoothly."
        case .quietInitiative: "It has been quiet lately, and quiet initiatives are the first to be forgotten."
        case .outOfLine: "Answers about it differ from the importance its sponsor set."
        case .resistance: "A concern was raised about it."
        case .stageChange: "It has moved to a new stage, which may ask more of your area."
        case .staleRating: "Your last answer is out of date."
        case .supportDrop: "Support for it has dropped."
        case .digest: "Several initiatives wait for your view."
        case .readiness: "Your organisation asks its leaders how ready they are to lead change together."
        }
    }

    static func ask(_ item: NudgePage.Item) -> String {
        if let area = item.ownAreaName {
            if item.ownAreaLeads { return "\(area) leads this initiative." }
            if let support = item.ownAreaSupport { return "\(area): \(support)" }
        }
        if item.isSponsor { return "You sponsor this initiative." }
        return "Nothing specific is recorded for your area; your view as a leader counts."
    }

    static func lastAnswer(_ answer: NudgePage.LastAnswer?) -> String {
        guard let answer else { return "You have not answered yet." }
        var text = "Priority \(answer.priority) of 5"
        if let buyIn = answer.buyIn { text += ", \(label(buyIn).lowercased())" }
        text += ", on \(day.string(from: answer.ratedAt))"
        if let concern = answer.concern { text += ". In the way: “\(concern)”" }
        return text + "."
    }

    static func closed(_ reason: NudgeAnswerError) -> String {
        switch reason {
        case .alreadyAnswered: "Already answered. Thank you."
        case .expired: "This question has expired."
        case .unknownToken, .invalidAnswer: "This question cannot be answered here."
        }
    }

    static func label(_ stage: BuyIn) -> String {
        switch stage {
        case .unaware: "Not aware of it yet"
        case .aware: "Aware of it"
        case .understands: "Understand what it needs from us"
        case .committed: "Committed to it"
        case .acting: "Acting on it"
        }
    }

    static let day: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMMM yyyy"
        return formatter
    }()
}

/// What `thanks.mustache` shows after an answer is recorded.
struct ThanksView {
    let organisation: String
    let title = "Thank you"
    let leader: String
    let initiative: String
    let priority: Int
    let buyIn: [String]
    let hasRemaining: Bool
    let remaining: Int
    let several: Bool
}

/// What `closed.mustache` shows for a link that cannot be used.
struct ClosedView {
    let organisation: String
    let title: String
    let message: String

    init(_ error: NudgeAnswerError, organisation: String = "Concord") {
        self.organisation = organisation
        switch error {
        case .alreadyAnswered:
            title = "Already answered"
            message = "This link has been used: your answer is recorded. Each link records one answer."
        case .expired:
            title = "This link has expired"
            message = "Links work for a limited time. You will be asked again when it matters."
        case .unknownToken, .invalidAnswer:
            title = "Link not found"
            message = "This link is not valid. Check that it was copied whole."
        }
    }
}
