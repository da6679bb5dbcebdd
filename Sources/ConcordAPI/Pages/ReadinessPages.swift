import ConcordDomain
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird

/// The readiness check behind an answer link: the whole questionnaire on one page, each statement on a 1-5
/// agreement scale, posted back once. Same link, headers and refusals as the initiative answer page.
struct ReadinessPages {
    let store: Store
    let renderer: PageRenderer

    func show(_ page: ReadinessPage) -> Response {
        if let reason = page.closed { return closed(reason, organisation: page.organisationName) }
        return renderer.render("readiness", ReadinessPageView(page))
    }

    func submit(_ page: ReadinessPage, token: NudgeToken, body: String) async throws -> Response {
        if let reason = page.closed { return closed(reason, organisation: page.organisationName) }
        var scores: [UUID: Int] = [:]
        for (name, value) in Self.formFields(body) where name.hasPrefix("q-") {
            guard let id = UUID(uuidString: String(name.dropFirst(2))), let score = Int(value), (1...5).contains(score)
            else { return invalid(page, "Choose a number from 1 to 5 for each statement.") }
            scores[id] = score
        }
        let unanswered = page.questions.filter { scores[$0.id] == nil }
        if let first = unanswered.first {
            return invalid(page, "Choose how far you agree with “\(first.text)”.")
        }
        do {
            try await store.answerReadiness(token: token, scores: scores)
        } catch let error as NudgeAnswerError {
            if case .invalidAnswer(let message) = error {
                // The questionnaire changed while the page was open: show it as it is now.
                let fresh = (try? await store.readinessPage(token: token)) ?? page
                return invalid(fresh, "Your answers were not recorded: \(message).")
            }
            return closed(error, organisation: page.organisationName)
        }
        return renderer.render(
            "closed",
            ReadinessThanksView(
                organisation: page.organisationName, title: "Thank you, \(page.leaderName)",
                message: "Your \(scores.count) answers to “\(page.checkTitle)” are recorded. You can close this page."))
    }

    /// `application/x-www-form-urlencoded` pairs, `+` as a space.
    static func formFields(_ body: String) -> [(String, String)] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = parts.first.flatMap(decode) else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    private func invalid(_ page: ReadinessPage, _ message: String) -> Response {
        renderer.render("readiness", ReadinessPageView(page, error: message), status: .unprocessableContent)
    }

    private func closed(_ error: NudgeAnswerError, organisation: String) -> Response {
        renderer.closed(error, organisation: organisation)
    }
}

/// What `readiness.mustache` shows: plain values only, escaped by the template.
struct ReadinessPageView {
    let organisation: String
    let title: String
    let leader: String
    let group: String
    let error: [String]
    let questions: [Question]
    /// The footer speaks of the readiness check rather than of initiatives.
    let readiness = true

    struct Question {
        let index: Int
        let text: String
        let choices: [Choice]
    }

    struct Choice {
        let name: String
        let value: String
        let label: String
    }

    static let scale = ["strongly disagree", "disagree", "neither", "agree", "strongly agree"]

    init(_ page: ReadinessPage, error: String? = nil) {
        organisation = page.organisationName
        title = page.checkTitle
        leader = page.leaderName
        group =
            switch page.group {
            case .executive: "executive team"
            case .hr: "HR leaders"
            case .area: "area leaders"
            }
        self.error = error.map { [$0] } ?? []
        questions = page.questions.enumerated().map { index, question in
            Question(
                index: index + 1, text: question.text,
                choices: Self.scale.enumerated().map { offset, label in
                    Choice(name: "q-\(question.id.uuidString.lowercased())", value: "\(offset + 1)", label: label)
                })
        }
    }
}

/// The thank-you, through `closed.mustache` (a title and a message).
struct ReadinessThanksView {
    let organisation: String
    let title: String
    let message: String
    let readiness = true
}
