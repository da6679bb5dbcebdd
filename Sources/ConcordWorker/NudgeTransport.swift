import AsyncHTTPClient
import ConcordDomain
import ConcordStore
import Foundation

/// What one delivery run of a message came to.
struct DeliveryOutcome: Sendable {
    var delivered = false
    /// Worth another run later (5xx, timeouts, a refused connection).
    var retryable = false
    var error: String?
    var attempts: [NudgeDeliveryAttempt] = []
}

/// Sends a message through a leader's channel: signed webhook, Slack incoming webhook, or SMTP.
struct NudgeTransport: Sendable {
    let http: HTTPClient
    let configuration: NudgeDeliveryConfiguration

    func send(
        _ message: NudgeMessage, via channel: NudgeChannel, in tx: TenantTransaction
    ) async throws -> DeliveryOutcome {
        switch channel {
        case .webhook(let endpointID):
            guard let endpoint = try await tx.webhookEndpoint(kind: .webhook, id: endpointID) else {
                return DeliveryOutcome(error: "no enabled webhook endpoint")
            }
            let body = try message.webhookBody()
            return try await post(body, to: endpoint, channel: "webhook", in: tx) { timestamp in
                [
                    (
                        WebhookSignature.headerName,
                        WebhookSignature.header(
                            secrets: endpoint.secrets, timestamp: timestamp, body: body)
                    )
                ]
            }
        case .slack(let user):
            guard let endpoint = try await tx.webhookEndpoint(kind: .slack, id: nil) else {
                return DeliveryOutcome(error: "no enabled Slack endpoint")
            }
            let body = try message.slackBody(slackUser: user)
            return try await post(body, to: endpoint, channel: "slack", in: tx) { timestamp in
                endpoint.secrets.isEmpty
                    ? []
                    : [
                        (
                            WebhookSignature.headerName,
                            WebhookSignature.header(
                                secrets: endpoint.secrets, timestamp: timestamp, body: body)
                        )
                    ]
            }
        case .email(let address):
            return await mail(message, to: address)
        }
    }

    /// POSTs with retries on 5xx and on errors (timeouts, refused connections); a 410 disables the endpoint.
    private func post(
        _ body: Data, to endpoint: WebhookEndpoint, channel: String, in tx: TenantTransaction,
        headers: (Int) -> [(String, String)]
    ) async throws -> DeliveryOutcome {
        var outcome = DeliveryOutcome()
        var generator = SystemRandomNumberGenerator()
        for attempt in 1...configuration.httpAttempts {
            let started = Date()
            let clock = ContinuousClock()
            let start = clock.now
            var request = HTTPClientRequest(url: endpoint.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Concord-Nudges/1")
            for (name, value) in headers(Int(started.timeIntervalSince1970)) {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(Array(body))
            var status: Int?
            do {
                let response = try await http.execute(
                    request, timeout: .nanoseconds(nanoseconds(configuration.httpTimeout)))
                status = Int(response.status.code)
                _ = try? await response.body.collect(upTo: 64 * 1024)
            } catch {
                outcome.error = "\(error)"
            }
            let latency = Self.milliseconds(clock.now - start)
            if let status { outcome.error = (200..<300).contains(status) ? nil : "HTTP \(status)" }
            outcome.attempts.append(
                NudgeDeliveryAttempt(
                    channel: channel, endpoint: endpoint.url, statusCode: status, latencyMilliseconds: latency,
                    error: outcome.error, at: started))
            switch status {
            case .some(200..<300):
                outcome.delivered = true
                outcome.retryable = false
                return outcome
            case .some(410):
                try await tx.disableWebhookEndpoint(endpoint.id, reason: "410 Gone", at: started)
                outcome.retryable = false
                return outcome
            case .some(500..<600), .none:
                outcome.retryable = true
            default:
                outcome.retryable = false
                return outcome
            }
            if attempt < configuration.httpAttempts {
                let pause = configuration.httpBackoff.delay(attempt: attempt, using: &generator)
                try await Task.sleep(for: .milliseconds(Int(pause * 1000)))
            }
        }
        return outcome
    }

    private func mail(_ message: NudgeMessage, to address: String) async -> DeliveryOutcome {
        guard let smtp = configuration.smtp else { return DeliveryOutcome(error: "no SMTP server configured") }
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = DeliveryOutcome()
        var code: Int?
        do {
            code = try await SMTPClient(configuration: smtp).send(
                to: address, subject: message.title, body: message.text)
            outcome.delivered = true
        } catch let error as SMTPError {
            code = error.code
            outcome.error = error.description
            // 4xx is a transient refusal, 5xx permanent; no reply at all (connection) is worth a retry.
            outcome.retryable = error.code.map { (400..<500).contains($0) } ?? true
        } catch {
            outcome.error = "\(error)"
            outcome.retryable = true
        }
        outcome.attempts.append(
            NudgeDeliveryAttempt(
                channel: "email", endpoint: smtp.endpointDescription, statusCode: code,
                latencyMilliseconds: Self.milliseconds(clock.now - start), error: outcome.error, at: started))
        return outcome
    }

    private func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
