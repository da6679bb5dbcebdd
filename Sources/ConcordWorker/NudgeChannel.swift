import ConcordStore
import Foundation

/// How a leader is reached, from `leaders.channels` (and their email).
///
/// `channels.preferred` ("webhook", "slack" or "email") goes first, then webhook, Slack and email in
/// that order, whichever the leader has: `channels.webhook` (an endpoint id, or any value for the
/// organisation's default webhook), `channels.slack` (the Slack user to mention, sent through the
/// organisation's Slack endpoint), `channels.email` or the leader's email.
public enum NudgeChannel: Sendable, Hashable {
    case webhook(endpointID: UUID?)
    case slack(user: String?)
    case email(address: String)

    public var name: String {
        switch self {
        case .webhook: "webhook"
        case .slack: "slack"
        case .email: "email"
        }
    }

    public static func choose(for recipient: NudgeRecipient) -> NudgeChannel? {
        let channels = recipient.channels
        let order = (channels["preferred"].map { [$0] } ?? []) + ["webhook", "slack", "email"]
        for name in order {
            switch name {
            case "webhook" where channels["webhook"] != nil:
                return .webhook(endpointID: channels["webhook"].flatMap(UUID.init(uuidString:)))
            case "slack" where channels["slack"] != nil:
                let user = channels["slack"]!
                return .slack(user: user.isEmpty ? nil : user)
            case "email":
                if let address = channels["email"] ?? recipient.email { return .email(address: address) }
            default:
                continue
            }
        }
        return nil
    }
}
