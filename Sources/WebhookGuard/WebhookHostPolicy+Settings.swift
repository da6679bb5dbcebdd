import ConcordDomain
import ConcordSettings

extension WebhookHostPolicy {
    /// `CONCORD_WEBHOOK_ALLOW_HOSTS` (file key `webhook.allow_hosts`): host names, addresses and blocks,
    /// comma-separated; none by default.
    public init(_ settings: Settings) throws {
        let list = try settings.string("webhook.allow_hosts") ?? ""
        do {
            try self.init(allowList: list)
        } catch {
            throw InvalidSetting(
                variable: "CONCORD_WEBHOOK_ALLOW_HOSTS",
                reason: "'\(error.entry)' is not a host name, an address or a block like 10.0.0.0/8")
        }
    }
}
