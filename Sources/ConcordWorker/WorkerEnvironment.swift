import ConcordSettings
import Foundation

/// The worker's settings from environment variables; a bad value stops the process with the variable's name.
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
    /// Where nudge emails go; nil when no SMTP server is configured (email nudges then fail and are recorded).
    public var smtp: SMTPConfiguration?

    public typealias Invalid = EnvironmentReader.Invalid

    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let reader = EnvironmentReader(environment)
        guard let url = reader.value("CONCORD_WORKER_DATABASE_URL") ?? reader.value("CONCORD_DATABASE_URL") else {
            throw Invalid(variable: "CONCORD_WORKER_DATABASE_URL", reason: "not set (nor CONCORD_DATABASE_URL)")
        }
        databaseURL = url
        concurrency = try reader.integer("CONCORD_WORKER_CONCURRENCY", default: 10, range: 1...1000)
        // One connection per running job, plus room for claiming, leases and maintenance.
        poolSize = try reader.integer("CONCORD_WORKER_POOL_SIZE", default: concurrency + 4, range: 2...1000)
        leaseSeconds = try reader.integer("CONCORD_WORKER_LEASE_SECONDS", default: 30, range: 1...3600)
        deliveryRetentionDays = try reader.integer(
            "CONCORD_NUDGE_DELIVERY_RETENTION_DAYS", default: 180, range: 30...36_500)
        publicBaseURL = reader.value("CONCORD_PUBLIC_BASE_URL") ?? "http://127.0.0.1:8080"
        guard URL(string: publicBaseURL)?.scheme != nil else {
            throw Invalid(variable: "CONCORD_PUBLIC_BASE_URL", reason: "'\(publicBaseURL)' is not an absolute URL")
        }
        if let host = reader.value("CONCORD_SMTP_HOST") {
            guard let from = reader.value("CONCORD_SMTP_FROM"), from.contains("@") else {
                throw Invalid(
                    variable: "CONCORD_SMTP_FROM", reason: "an address is required when CONCORD_SMTP_HOST is set")
            }
            smtp = SMTPConfiguration(
                host: host, port: try reader.integer("CONCORD_SMTP_PORT", default: 25, range: 1...65535), from: from)
        } else {
            smtp = nil
        }
    }
}
