import ConcordDomain
import ConcordLogging
import ConcordStore
import ConcordWorker
import Foundation
import Logging
import PQ
import Testing

/// At send time the worker resolves the endpoint's host again and refuses what the operator's allow-list does
/// not open (the API's check when the URL was saved may be stale: DNS changes). Failed deliveries log no
/// secret and no answer link, in either log format.
@Suite struct WebhookSendGuardTests {
    let delivery = NudgeDeliveryTests()

    @Test func aLoopbackWebhookIsRefusedWithoutTheAllowList() async throws {
        let f = try await NudgeFixture.make()
        defer { Task { await f.close() } }
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await delivery.endpoint(f, url: receiver.url, secrets: ["s"])
        let (leader, _) = try await delivery.leaderWithDueNudges(f, count: 1)
        var closed = delivery.configuration()
        closed.webhookHosts = WebhookHostPolicy()
        let report = try await NudgeDeliverer(store: f.store, configuration: closed)
            .deliver(orgID: f.orgID, leader: leader, now: delivery.now)
        #expect(report.failed == 1)
        #expect(receiver.requests.isEmpty, "nothing reached the loopback receiver")
        let error = try await f.query("SELECT error FROM nudge_deliveries WHERE org_id = \(f.orgID)::uuid")[0]
            .decode(0, as: String.self)
        #expect(error.hasPrefix("refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address"), "\(error)")
    }

    @Test func anAllowedNameIsCalledAtTheAddressChecked() async throws {
        let f = try await NudgeFixture.make()
        defer { Task { await f.close() } }
        let receiver = try TestHTTPReceiver(statuses: [200])
        defer { receiver.stop() }
        _ = try await delivery.endpoint(
            f, url: "http://localhost:\(receiver.port)/hooks/concord", secrets: ["s"])
        let (leader, _) = try await delivery.leaderWithDueNudges(f, count: 1)
        var settings = delivery.configuration()
        settings.webhookHosts = try WebhookHostPolicy(allowList: "localhost")
        let report = try await NudgeDeliverer(store: f.store, configuration: settings)
            .deliver(orgID: f.orgID, leader: leader, now: delivery.now)
        #expect(report.sent == 1)
        #expect(receiver.requests.count == 1)
    }

    @Test(arguments: [LogSettings.Format.json, .text])
    func failedDeliveriesLogNoSecret(_ format: LogSettings.Format) async throws {
        let f = try await NudgeFixture.make()
        defer { Task { await f.close() } }
        let receiver = try TestHTTPReceiver(statuses: [500, 500, 500, 500, 500, 500])
        defer { receiver.stop() }
        let secrets = ["whsec_" + String(repeating: "5", count: 64), "whsec_" + String(repeating: "6", count: 64)]
        _ = try await delivery.endpoint(f, url: receiver.url, secrets: secrets)
        let (leader, _) = try await delivery.leaderWithDueNudges(f, count: 1)
        let lines = LogLines()
        let logging = LogSettings(format: format, level: .trace)
        let logger = Logger(label: "concord.nudges") { logging.handler(label: $0, sink: lines.sink) }
        let report = try await NudgeDeliverer(store: f.store, configuration: delivery.configuration(), logger: logger)
            .deliver(orgID: f.orgID, leader: leader, now: delivery.now)
        #expect(report.failed == 1)
        #expect(lines.text.contains("nudge delivery failed"))
        let tokens = receiver.requests.flatMap { request -> [String] in
            let json = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any]
            return (json?["nudges"] as? [[String: Any]] ?? []).compactMap { $0["answer_url"] as? String }
                .map { String($0.split(separator: "/").last ?? "") }
        }
        #expect(!tokens.isEmpty)
        let recorded = try await f.query(
            "SELECT coalesce(string_agg(error || ' ' || endpoint, ' '), '') FROM nudge_deliveries"
        )[0].decode(0, as: String.self)
        for secret in secrets + tokens {
            #expect(!lines.text.contains(secret), "\(format) log holds a secret:\n\(lines.text)")
            #expect(!recorded.contains(secret), "nudge_deliveries holds a secret: \(recorded)")
        }
    }
}

/// Log lines captured in memory, in either format.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []

    var sink: LogSink { LogSink { line in self.lock.withLock { self.lines.append(line) } } }

    var text: String { lock.withLock { lines.map { String(decoding: $0, as: UTF8.self) }.joined() } }
}
