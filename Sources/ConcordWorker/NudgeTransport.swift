import AsyncHTTPClient
import ConcordDomain
import ConcordStore
import Foundation
import WebhookGuard

/// What one delivery run of a message came to.
struct DeliveryOutcome: Sendable {
    var delivered = false
    /// Worth another run later (5xx, timeouts, a refused connection).
    var retryable = false
    /// The endpoint answered 410 Gone: it is to be disabled.
    var gone = false
    var error: String?
    var attempts: [NudgeDeliveryAttempt] = []
}

/// Where a claimed message goes, resolved while it is claimed.
enum NudgeDestination: Sendable {
    case webhook(WebhookEndpoint)
    case slack(WebhookEndpoint, user: String?)
    case email(address: String, server: SMTPConfiguration)

    /// As `nudge_deliveries.endpoint` records it; never a secret.
    var endpointDescription: String {
        switch self {
        case .webhook(let endpoint), .slack(let endpoint, _): endpoint.url
        case .email(_, let server): server.endpointDescription
        }
    }

    var webhookEndpointID: UUID? {
        switch self {
        case .webhook(let endpoint), .slack(let endpoint, _): endpoint.id
        case .email: nil
        }
    }
}

/// Sends a message through a leader's channel: signed webhook, Slack incoming webhook, or SMTP. It never
/// touches the database: the message was claimed before, and the outcome is recorded after.
struct NudgeTransport: Sendable {
    let configuration: NudgeDeliveryConfiguration
    var urlGuard: WebhookURLGuard { WebhookURLGuard(policy: configuration.webhookHosts) }

    /// The destination of `channel`, or why there is none.
    func destination(
        for channel: NudgeChannel, in tx: TenantTransaction
    ) async throws -> Result<NudgeDestination, DestinationUnavailable> {
        switch channel {
        case .webhook(let endpointID):
            guard let endpoint = try await tx.webhookEndpoint(kind: .webhook, id: endpointID) else {
                return .failure(DestinationUnavailable(reason: "no enabled webhook endpoint"))
            }
            return .success(.webhook(endpoint))
        case .slack(let user):
            guard let endpoint = try await tx.webhookEndpoint(kind: .slack, id: nil) else {
                return .failure(DestinationUnavailable(reason: "no enabled Slack endpoint"))
            }
            return .success(.slack(endpoint, user: user))
        case .email(let address):
            guard let smtp = configuration.smtp else {
                return .failure(DestinationUnavailable(reason: "no SMTP server configured"))
            }
            return .success(.email(address: address, server: smtp))
        }
    }

    func send(_ message: NudgeMessage, to destination: NudgeDestination) async throws -> DeliveryOutcome {
        switch destination {
        case .webhook(let endpoint):
            let body = try message.webhookBody()
            return try await post(body, to: endpoint, channel: "webhook") { timestamp in
                [
                    (
                        WebhookSignature.headerName,
                        WebhookSignature.header(secrets: endpoint.secrets, timestamp: timestamp, body: body)
                    )
                ]
            }
        case .slack(let endpoint, let user):
            let body = try message.slackBody(slackUser: user)
            return try await post(body, to: endpoint, channel: "slack") { timestamp in
                endpoint.secrets.isEmpty
                    ? []
                    : [
                        (
                            WebhookSignature.headerName,
                            WebhookSignature.header(secrets: endpoint.secrets, timestamp: timestamp, body: body)
                        )
                    ]
            }
        case .email(let address, let server):
            return await mail(message, to: address, via: server)
        }
    }

    /// POSTs with retries on 5xx and on errors (timeouts, refused connections); a 410 disables the endpoint.
    private func post(
        _ body: Data, to endpoint: WebhookEndpoint, channel: String, headers: (Int) -> [(String, String)]
    ) async throws -> DeliveryOutcome {
        var outcome = DeliveryOutcome()
        // Checked again at send time, whatever the API checked when the URL was saved: the name may resolve
        // elsewhere now. The client connects to the very address checked, and follows no redirect (a redirect
        // is a new URL nobody checked).
        let checked: WebhookURLGuard.Checked
        switch await urlGuard.check(endpoint.url) {
        case .success(let passed):
            checked = passed
        case .failure(let refused):
            outcome.error = "refused: \(refused.reason)"
            outcome.attempts.append(
                NudgeDeliveryAttempt(
                    channel: channel, endpoint: endpoint.url, statusCode: nil, latencyMilliseconds: 0,
                    error: outcome.error, at: Date()))
            return outcome
        }
        var settings = HTTPClient.Configuration()
        settings.redirectConfiguration = .disallow
        if !checked.hostIsAddress { settings.dnsOverride = [checked.host: checked.address.description] }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        do {
            outcome = try await post(body, to: endpoint, channel: channel, headers: headers, with: http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try? await http.shutdown()
        return outcome
    }

    private func post(
        _ body: Data, to endpoint: WebhookEndpoint, channel: String, headers: (Int) -> [(String, String)],
        with http: HTTPClient
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
                outcome.gone = true
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

    private func mail(_ message: NudgeMessage, to address: String, via smtp: SMTPConfiguration) async -> DeliveryOutcome
    {
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

/// Why a message cannot be sent through the leader's channel (no endpoint, no SMTP server).
struct DestinationUnavailable: Error, Sendable {
    let reason: String
}
