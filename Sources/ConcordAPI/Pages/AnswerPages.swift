import ConcordDomain
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import PQ

/// The HTML side of `/answer/{token}`: the page a browser gets for the link, and the form it posts back.
/// No script, no cookie: the token in the URL is the capability, so there is no session to forge a
/// request against (the CSRF defence), and every value reaches the page escaped by the templates.
struct AnswerPages {
    let store: Store
    let renderer: PageRenderer

    /// A browser asks for HTML; API clients (and the JSON tests) get JSON as before.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/html") ?? false
    }

    /// A form post; JSON bodies keep the JSON endpoint.
    static func isForm(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
    }

    /// The fields of the form; text, so a bad value is reported on the page rather than refused blindly.
    struct Form: Decodable {
        let nudge: String?
        let priority: String?
        let buyIn: String?
        let concern: String?

        enum CodingKeys: String, CodingKey {
            case nudge, priority, concern
            case buyIn = "buy_in"
        }
    }

    func show(_ raw: String?) async throws -> Response {
        guard let token = Self.token(raw) else { return closed(.unknownToken) }
        let page: NudgePage
        do {
            if let readiness = try await store.readinessPage(token: token) {
                return ReadinessPages(store: store, renderer: renderer).show(readiness)
            }
            page = try await store.nudgePage(token: token)
        } catch let error as NudgeAnswerError {
            return closed(error)
        }
        if let reason = page.closed { return closed(reason, organisation: page.organisationName) }
        return renderer.render("answer", AnswerPageView(page))
    }

    func submit(_ raw: String?, request: Request, context: ConcordRequestContext) async throws -> Response {
        guard let token = Self.token(raw) else { return closed(.unknownToken) }
        let page: NudgePage
        do {
            if let readiness = try await store.readinessPage(token: token) {
                let body = String(buffer: try await RouteSupport.body(request, context: context))
                return try await ReadinessPages(store: store, renderer: renderer).submit(
                    readiness, token: token, body: body)
            }
            page = try await store.nudgePage(token: token)
        } catch let error as NudgeAnswerError {
            return closed(error)
        }
        if let reason = page.closed { return closed(reason, organisation: page.organisationName) }
        let body = String(buffer: try await RouteSupport.body(request, context: context))
        let form =
            (try? URLEncodedFormDecoder().decode(Form.self, from: body))
            ?? Form(
                nudge: nil, priority: nil, buyIn: nil, concern: nil)
        let nudge = form.nudge.flatMap(UUID.init(uuidString:)) ?? page.items[0].nudgeID
        guard let item = page.items.first(where: { $0.nudgeID == nudge }) else {
            return invalid(page, "This form does not belong to this link.")
        }
        guard let priority = form.priority.flatMap(Int.init), (1...5).contains(priority) else {
            return invalid(page, "Choose a priority from 1 to 5 for “\(item.initiativeTitle)”.")
        }
        var buyIn: BuyIn?
        if let raw = form.buyIn, !raw.isEmpty {
            guard let stage = BuyIn(rawValue: raw) else { return invalid(page, "Choose where you are from the list.") }
            buyIn = stage
        }
        guard !(form.concern ?? "").containsNUL else {
            return invalid(page, "The note contains a character that cannot be stored.")
        }
        do {
            _ = try await store.answerNudge(
                token: token, nudge: nudge, NudgeAnswer(priority: priority, buyIn: buyIn, concern: form.concern))
        } catch let error as NudgeAnswerError {
            if case .invalidAnswer(let message) = error {
                return invalid(page, "Your answer was not recorded: \(message).")
            }
            return closed(error, organisation: page.organisationName)
        }
        let remaining = page.items.filter { $0.closed == nil && $0.nudgeID != nudge }.count
        return renderer.render(
            "thanks",
            ThanksView(
                organisation: page.organisationName, leader: page.leaderName, initiative: item.initiativeTitle,
                priority: priority, buyIn: buyIn.map { [AnswerPageView.label($0).lowercased()] } ?? [],
                hasRemaining: remaining > 0, remaining: remaining, several: remaining > 1))
    }

    private func invalid(_ page: NudgePage, _ message: String) -> Response {
        renderer.render("answer", AnswerPageView(page, error: message), status: .unprocessableContent)
    }

    /// Used, expired and unknown links get a page that says so, with no form, and the same status codes
    /// the JSON endpoint uses.
    private func closed(_ error: NudgeAnswerError, organisation: String = "Concord") -> Response {
        renderer.closed(error, organisation: organisation)
    }

    static func token(_ raw: String?) -> NudgeToken? {
        guard let raw, (20...200).contains(raw.count),
            raw.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else { return nil }
        return NudgeToken(raw)
    }
}
