import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/answer/{token}`: where a nudge's one-time link leads. It needs no key: the unguessable token is the
/// credential, it works once, and it expires. A browser (`Accept: text/html`, or a form post) gets the answer
/// page instead of JSON: see `AnswerPages`.
struct AnswerRoutes {
    let dependencies: APIDependencies

    struct Prompt: Encodable {
        let initiativeTitle: String
        let importance: Int
        let leaderName: String
    }

    struct Answer: Decodable {
        let priority: Int
        let buyIn: BuyIn?
        let concern: String?
    }

    struct Receipt: Encodable {
        let initiativeId: UUID
        let ratingId: UUID
    }

    /// A readiness check's link: the questionnaire to answer.
    struct ReadinessPrompt: Encodable {
        struct Question: Encodable {
            let id: UUID
            let text: String
        }
        let readinessCheckId: UUID
        let checkTitle: String
        let leaderName: String
        let leaderGroup: LeaderGroup
        let questions: [Question]
    }

    /// Every active question's score, 1 (strongly disagree) to 5 (strongly agree).
    struct ReadinessAnswer: Decodable {
        struct Score: Decodable {
            let questionID: UUID
            let score: Int
        }
        let scores: [Score]
    }

    struct ReadinessReceipt: Encodable {
        let readinessCheckId: UUID
        let answers: Int
    }

    func register(on router: Router<ConcordRequestContext>) {
        // Counted here, where answers arrive; the worker counts the nudges it plans and sends.
        let answered = dependencies.metrics.makeCounter(
            name: "concord_nudges_answered_total", help: "nudges answered through their link")
        router.get("answer/:token") { request, context -> Response in
            if AnswerPages.wantsHTML(request) {
                return try await pages().show(context.parameters.get("token"))
            }
            let token = try Self.token(context)
            if let readiness = try await Self.readiness(token, dependencies.store) {
                return try RouteSupport.json(
                    ReadinessPrompt(
                        readinessCheckId: readiness.checkID, checkTitle: readiness.checkTitle,
                        leaderName: readiness.leaderName, leaderGroup: readiness.group,
                        questions: readiness.questions.map { ReadinessPrompt.Question(id: $0.id, text: $0.text) }))
            }
            let prompt = try await Self.translating { try await dependencies.store.nudgePrompt(token: token) }
            return try RouteSupport.json(
                Prompt(
                    initiativeTitle: prompt.initiativeTitle, importance: prompt.importance,
                    leaderName: prompt.leaderName))
        }
        router.post("answer/:token") { request, context -> Response in
            if AnswerPages.isForm(request) {
                let page = try await pages().submit(context.parameters.get("token"), request: request, context: context)
                // Only the thank-you page is 200: every refusal carries a 4xx.
                if page.status == .ok { answered.increment() }
                return page
            }
            let token = try Self.token(context)
            let body = try await RouteSupport.body(request, context: context)
            if let readiness = try await Self.readiness(token, dependencies.store) {
                let input = try RouteSupport.decode(ReadinessAnswer.self, from: body)
                var scores: [UUID: Int] = [:]
                for item in input.scores where scores.updateValue(item.score, forKey: item.questionID) != nil {
                    throw Problem.invalid(
                        field: "scores", rule: "answer", message: "question \(item.questionID) is scored twice")
                }
                // Answered meanwhile: 409 like any used link; a bad answer names `scores`.
                try await Self.translating {
                    do {
                        try await dependencies.store.answerReadiness(token: token, scores: scores)
                    } catch NudgeAnswerError.invalidAnswer(let message) {
                        throw Problem.invalid(field: "scores", rule: "answer", message: message)
                    }
                }
                answered.increment()
                return try RouteSupport.json(
                    ReadinessReceipt(readinessCheckId: readiness.checkID, answers: scores.count), status: .created)
            }
            let answer = try RouteSupport.decode(Answer.self, from: body)
            let receipt = try await Self.translating {
                try await dependencies.store.answerNudge(
                    token: token, NudgeAnswer(priority: answer.priority, buyIn: answer.buyIn, concern: answer.concern))
            }
            answered.increment()
            return try RouteSupport.json(
                Receipt(initiativeId: receipt.initiativeID, ratingId: receipt.ratingID), status: .created)
        }
    }

    /// The answer page for browsers, rendered from the bundled templates.
    func pages() throws -> AnswerPages {
        guard let renderer = PageRenderer.bundled else {
            throw Problem(
                .internalServerError, type: "internal", title: "Internal error",
                detail: "the page templates are missing from this build")
        }
        return AnswerPages(store: dependencies.store, renderer: renderer)
    }

    static func token(_ context: ConcordRequestContext) throws -> NudgeToken {
        guard let raw = context.parameters.get("token"), (20...200).contains(raw.count),
            raw.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        else { throw Problem.notFound("answer link") }
        return NudgeToken(raw)
    }

    /// The readiness check behind the link, still open; nil for an initiative's nudge.
    static func readiness(_ token: NudgeToken, _ store: Store) async throws -> ReadinessPage? {
        try await translating {
            guard let page = try await store.readinessPage(token: token) else { return nil }
            if let closed = page.closed { throw closed }
            return page
        }
    }

    /// A used link is 409, an expired one 410, an unknown one 404: the leader learns which, nothing more.
    static func translating<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as NudgeAnswerError {
            switch error {
            case .unknownToken:
                throw Problem.notFound("answer link")
            case .alreadyAnswered:
                throw Problem(
                    .conflict, type: "already-answered", title: "Already answered",
                    detail: "this link has been used; each link records one answer")
            case .expired:
                throw Problem(.gone, type: "expired", title: "Link expired", detail: "this link has expired")
            case .invalidAnswer(let message):
                throw Problem.invalid(field: "priority", rule: "answer", message: message)
            }
        }
    }
}
