import ConcordStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the pages people open in a browser (the nudge answer page) from the Mustache templates bundled
/// with this module, with headers that keep a one-time link's token to itself.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    /// The Content-Security-Policy: nothing may load, no script may run, only the page's own inline style.
    let contentSecurityPolicy: String

    /// The templates of this build, loaded once.
    static let bundled: PageRenderer? = try? PageRenderer(
        directory: Bundle.module.url(forResource: "Templates", withExtension: nil))

    /// The style sheet goes inline into `head` (no second request to allow), and the policy allows exactly it
    /// by its hash rather than allowing inline style in general.
    init(directory: URL?) throws {
        guard let directory else { throw CocoaError(.fileNoSuchFile) }
        let css = try String(contentsOf: directory.appendingPathComponent("page.css"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var library = MustacheLibrary()
        for name in ["head", "foot", "answer", "thanks", "closed", "readiness"] {
            var text = try String(
                contentsOf: directory.appendingPathComponent("\(name).mustache"), encoding: .utf8)
            text = text.replacingOccurrences(of: "/*page.css*/", with: css)
            try library.register(text, named: name)
        }
        self.library = library
        let hash = Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString()
        contentSecurityPolicy =
            "default-src 'none'; style-src 'sha256-\(hash)'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'"
    }

    /// An HTML response of `template` over `view`.
    func render(_ template: String, _ view: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(view, withTemplate: template) ?? ""
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// No caching (the page holds a capability), no framing, no referrer (the token is in the URL), no
    /// sniffing; and never a cookie: the token in the URL is the only credential.
    var headers: HTTPFields {
        var fields = HTTPFields()
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[.contentSecurityPolicy] = contentSecurityPolicy
        fields[HTTPField.Name("X-Frame-Options")!] = "DENY"
        fields[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return fields
    }
}

extension PageRenderer {
    /// A used, expired or unknown link's page: no form, and the status codes the JSON endpoints use.
    func closed(_ error: NudgeAnswerError, organisation: String) -> Response {
        let status: HTTPResponse.Status =
            switch error {
            case .alreadyAnswered: .conflict
            case .expired: .gone
            case .unknownToken, .invalidAnswer: .notFound
            }
        return render("closed", ClosedView(error, organisation: organisation), status: status)
    }
}
