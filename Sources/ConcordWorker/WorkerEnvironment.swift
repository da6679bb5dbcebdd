import ConcordDomain
import ConcordSettings
import Foundation
import WebhookGuard

/// The worker's settings; a bad value stops the process with the variable's name.
public struct WorkerEnvironment: Sendable {
    public var databaseURL: String
    public var poolSize: Int
    public var concurrency: Int
    public var publicBaseURL: String
    /// A claimed job is the worker's for this long, renewed while it runs; a dead worker's jobs are taken back
    /// once it ends.
    public var leaseSeconds: Int
    /// Nudge delivery attempts older than this are pruned (30 days at least: the database keeps those).
    public var deliveryRetentionDays: Int
    /// How long a nudge outcome the database could not take (a failover) is retried; the same on every worker.
    public var outcomeRetrySeconds: Int
    /// Where `/healthz`, `/readyz` and `/metrics` are served.
    public var statusHost: String
    public var statusPort: Int
    /// Where nudge emails go; nil when no SMTP server is configured (email nudges then fail and are recorded).
    public var smtp: SMTPConfiguration?
    /// What webhook URLs may lead to besides the public internet.
    public var webhookHosts: WebhookHostPolicy

    public typealias Invalid = InvalidSetting

    public init(_ settings: Settings) throws {
        guard let url = try settings.string("worker.database_url") ?? settings.string("database_url") else {
            throw Invalid(variable: "CONCORD_WORKER_DATABASE_URL", reason: "not set (nor CONCORD_DATABASE_URL)")
        }
        databaseURL = url
        concurrency = try settings.integer("worker.concurrency", default: 10, range: 1...1000)
        // One connection per running job, plus room for claiming, leases and maintenance.
        poolSize = try settings.integer("worker.pool_size", default: concurrency + 4, range: 2...1000)
        leaseSeconds = try settings.integer("worker.lease_seconds", default: 30, range: 1...3600)
        deliveryRetentionDays = try settings.integer(
            "nudge.delivery_retention_days", default: 180, range: 30...36_500)
        outcomeRetrySeconds = try settings.integer("nudge.outcome_retry_seconds", default: 120, range: 10...3600)
        publicBaseURL = try settings.url("public_base_url", default: "http://127.0.0.1:8080")
        statusHost = try settings.string("worker.status_host") ?? "127.0.0.1"
        statusPort = try settings.integer("worker.status_port", default: 8081, range: 0...65535)
        webhookHosts = try WebhookHostPolicy(settings)
        if let host = try settings.string("smtp.host") {
            guard let from = try settings.string("smtp.from"), from.contains("@") else {
                throw Invalid(
                    variable: "CONCORD_SMTP_FROM", reason: "an address is required when CONCORD_SMTP_HOST is set")
            }
            smtp = SMTPConfiguration(
                host: host, port: try settings.integer("smtp.port", default: 25, range: 1...65535), from: from)
        } else {
            smtp = nil
        }
    }

    /// Reads the settings from `environment` (and the files it names).
    public static func load(_ environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Self
    {
        try Self(await Settings.load(environment))
    }
}
