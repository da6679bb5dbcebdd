import ConcordStore
import ConcordTestSupport
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The nudge link opened in a browser, over a real socket: an HTML page with everything the leader needs,
/// every value escaped, strict headers and no cookie; the form records one rating with source "nudge";
/// used, expired and unknown links get a page that says so and has no form; a digest's link answers each
/// of its initiatives.
@Suite struct AnswerPageTests {
    static let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"]
    static let form: HTTPFields = [
        .accept: "text/html", .contentType: "application/x-www-form-urlencoded",
    ]

    @Test func theLinkShowsAnEscapedPageWithStrictHeaders() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let token = try await seed.nudge()
        try await fixture.application().test(.live) { client in
            let page = try await client.send(.get, "/answer/\(token.value)", headers: Self.browser)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.hasPrefix("default-src 'none'; style-src 'sha256-"))
            #expect(policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("script-src"))
            #expect(page.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[.setCookie] == nil)

            let html = page.text
            #expect(!html.contains("<script"))
            #expect(html.contains("ERP &lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains("Acme &amp; &lt;Sons&gt;"))
            #expect(html.contains("Hello Ida,"))
            #expect(html.contains("It has been quiet lately"))
            #expect(html.contains("<dt>Lead area</dt><dd>IT</dd>"))
            #expect(html.contains("Training: train staff &lt;all shifts&gt;"))
            #expect(html.contains("<dd>4 of 5</dd>"))
            #expect(html.contains("Priority 2 of 5, aware of it, on 1 October 2026. In the way: “no trainers”."))
            #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(html.contains(#"<label class="field" for="buy-in-1">"#))
            #expect(html.contains(#"<select id="buy-in-1" name="buy_in">"#))
            #expect(html.contains(#"<label class="field" for="concern-1">"#))
            #expect(html.components(separatedBy: #"type="radio" name="priority""#).count == 6)

            // The policy's hash is the hash of the page's one style element, so the style applies.
            let style = try #require(
                html.range(of: "<style>").flatMap { start in
                    html.range(of: "</style>", range: start.upperBound..<html.endIndex).map {
                        String(html[start.upperBound..<$0.lowerBound])
                    }
                })
            let hash = Data(SHA256.hash(data: Data(style.utf8))).base64EncodedString()
            #expect(policy.contains("'sha256-\(hash)'"))

            // API clients still get JSON from the same link.
            let json = try await client.send(.get, "/answer/\(token.value)")
            #expect(json.headers[.contentType] == "application/json")
        }
    }

    @Test func theFormRecordsOneRatingThenTheLinkSaysAlreadyAnswered() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let token = try await seed.nudge()
        try await fixture.application().test(.live) { client in
            let missing = try await client.send(
                .post, "/answer/\(token.value)", headers: Self.form, body: "buy_in=committed")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("Choose a priority from 1 to 5"))
            #expect(try await seed.ratings().count == 1)

            let thanks = try await client.send(
                .post, "/answer/\(token.value)", headers: Self.form,
                body: "priority=4&buy_in=committed&concern=need+two+%3Cb%3Etrainers%3C%2Fb%3E")
            #expect(thanks.status == .ok, "\(thanks.text)")
            #expect(thanks.text.contains("Thank you, Ida"))
            #expect(thanks.text.contains("priority 4 of 5, committed to it"))
            #expect(!thanks.text.contains("<script"))
            let ratings = try await seed.ratings()
            #expect(ratings.count == 2)
            #expect(ratings.first?.0 == 4)
            #expect(ratings.first?.1 == "committed")
            #expect(ratings.first?.2 == "need two <b>trainers</b>")
            #expect(ratings.first?.3 == "nudge")

            for method in [HTTPRequest.Method.get, .post] {
                let replay = try await client.send(
                    method, "/answer/\(token.value)", headers: method == .get ? Self.browser : Self.form,
                    body: method == .post ? "priority=1" : nil)
                #expect(replay.status == .conflict)
                #expect(replay.headers[.contentType] == "text/html; charset=utf-8")
                #expect(replay.text.contains("Already answered"))
                #expect(replay.text.contains("Acme &amp; &lt;Sons&gt;"))
                #expect(!replay.text.contains("<form"))
            }
            #expect(try await seed.ratings().count == 2)
        }
    }

    @Test func expiredAndUnknownLinksGetAPageWithoutAForm() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let expired = try await seed.nudge(expired: true)
        try await fixture.application().test(.live) { client in
            let page = try await client.send(.get, "/answer/\(expired.value)", headers: Self.browser)
            #expect(page.status == .gone)
            #expect(page.text.contains("This link has expired"))
            #expect(!page.text.contains("<form"))
            let post = try await client.send(
                .post, "/answer/\(expired.value)", headers: Self.form, body: "priority=3")
            #expect(post.status == .gone)
            for path in ["/answer/\(NudgeToken.generate().value)", "/answer/short", "/answer/%3Cscript%3E"] {
                let unknown = try await client.send(.get, path, headers: Self.browser)
                #expect(unknown.status == .notFound, "\(path)")
                #expect(unknown.text.contains("Link not found"))
                #expect(!unknown.text.contains("<script"))
            }
        }
        #expect(try await seed.ratings().count == 1)
    }

    @Test func aDigestLinkAnswersEachOfItsInitiatives() async throws {
        let fixture = try await APIFixture.make()
        let seed = try await PageSeed.make(fixture)
        let other = try await seed.initiative("Lean warehouse")
        let digest = try await seed.digest()
        let first = try await seed.nudge(digest: digest)
        _ = try await seed.nudge(other, reason: "cadence", digest: digest)
        let elsewhere = try await seed.nudge(other, reason: "stale_rating")
        try await fixture.application().test(.live) { client in
            let page = try await client.send(.get, "/answer/\(first.value)", headers: Self.browser)
            #expect(page.status == .ok)
            #expect(page.text.contains("2 initiatives to revisit"))
            #expect(page.text.components(separatedBy: "<form").count == 3)
            #expect(page.text.contains("Lean warehouse"))
            #expect(page.text.contains("Training: revise job descriptions"))
            let nudges = try await fixture.ownerPool.withConnection { connection in
                try await connection.query(
                    """
                    SELECT id, digest_id IS NOT NULL FROM nudges
                    WHERE org_id = \(seed.org)::uuid AND initiative_id = \(other)::uuid ORDER BY digest_id NULLS LAST
                    """
                ).map { try $0.decode((UUID, Bool).self) }
            }
            let (sibling, outside) = (nudges[0].0, nudges[1].0)

            // A nudge outside the digest cannot be answered with this link.
            let foreign = try await client.send(
                .post, "/answer/\(first.value)", headers: Self.form, body: "nudge=\(outside)&priority=5")
            #expect(foreign.status == .unprocessableContent)
            #expect(try await seed.ratings(other).isEmpty)

            let thanks = try await client.send(
                .post, "/answer/\(first.value)", headers: Self.form, body: "nudge=\(sibling)&priority=3")
            #expect(thanks.status == .ok)
            #expect(thanks.text.contains("1 more initiative waits for your answer"))
            #expect(try await seed.ratings(other).map(\.3) == ["nudge"])

            // The link's own nudge is still open; once it is answered too, the link is used up.
            let again = try await client.send(.get, "/answer/\(first.value)", headers: Self.browser)
            #expect(again.text.components(separatedBy: "<form").count == 2)
            #expect(again.text.contains("Already answered. Thank you."))
            let last = try await client.send(.post, "/answer/\(first.value)", headers: Self.form, body: "priority=5")
            #expect(last.text.contains("You can close this page."))
            let used = try await client.send(.get, "/answer/\(first.value)", headers: Self.browser)
            #expect(used.status == .conflict)
            _ = elsewhere
        }
    }
}

extension TestClientProtocol {
    /// A request with headers and an optional text body (a form).
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields, body: String?) async throws
        -> TestResponse
    {
        try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}
