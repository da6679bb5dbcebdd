import ConcordDomain
import ConcordStore
import Foundation

/// One nudge in a message, with its answer link.
public struct NudgeMessageItem: Sendable, Hashable {
    public let nudge: DueNudgeRow
    public let answerURL: String
}

/// What a leader receives: one nudge, or a digest of several, rendered for each channel.
public struct NudgeMessage: Sendable {
    public let orgID: UUID
    public let recipient: NudgeRecipient
    public let items: [NudgeMessageItem]
    public let isDigest: Bool
    public let sentAt: Date

    var title: String {
        if isDigest { return "\(items.count) initiatives to revisit" }
        if items[0].nudge.reason == .readiness {
            return "Readiness check \"\(items[0].nudge.initiativeTitle)\": how ready are we to lead change together?"
        }
        return "How important is \"\(items[0].nudge.initiativeTitle)\" to your area now?"
    }

    func line(_ item: NudgeMessageItem) -> String {
        "\(item.nudge.initiativeTitle) (\(Self.about(item.nudge)), \(Self.why(item.nudge.reason))): " + item.answerURL
    }

    /// The importance of an initiative; a readiness check has none.
    static func about(_ nudge: DueNudgeRow) -> String {
        nudge.reason == .readiness ? "a short questionnaire" : "importance \(nudge.importance)/5"
    }

    static func why(_ reason: NudgeReason) -> String {
        switch reason {
        case .cadence: "regular revisit"
        case .quietInitiative: "it has been quiet lately"
        case .outOfLine: "ratings differ from its importance"
        case .resistance: "a concern was raised"
        case .stageChange: "it moved to a new stage"
        case .staleRating: "your last rating is out of date"
        case .supportDrop: "support has dropped"
        case .digest: "digest"
        case .readiness: "a readiness check"
        }
    }

    /// Plain text for email and Slack's fallback.
    var text: String {
        var lines = ["Hello \(recipient.name),", ""]
        if isDigest {
            lines.append("These initiatives need your view on their priority for your area:")
            lines += items.map { "- " + line($0) }
        } else {
            lines.append(title)
            lines.append(line(items[0]))
        }
        lines += ["", "Each link can be used once, for a limited time."]
        return lines.joined(separator: "\n")
    }

    /// The signed webhook's JSON body.
    func webhookBody() throws -> Data {
        let payload: [String: Any] = [
            "type": isDigest ? "concord.nudge_digest" : "concord.nudge",
            "org_id": orgID.uuidString.lowercased(),
            "sent_at": ISO8601DateFormatter().string(from: sentAt),
            "leader": [
                "id": recipient.id.uuidString.lowercased(), "name": recipient.name,
                "email": recipient.email as Any,
            ],
            "nudges": items.map { item -> [String: Any] in
                var fields: [String: Any] = [
                    "id": item.nudge.id.uuidString.lowercased(), "reason": item.nudge.reason.rawValue,
                    "answer_url": item.answerURL,
                ]
                if let initiative = item.nudge.initiativeID {
                    fields["initiative_id"] = initiative.uuidString.lowercased()
                    fields["initiative_title"] = item.nudge.initiativeTitle
                    fields["importance"] = item.nudge.importance
                }
                if let check = item.nudge.readinessCheckID {
                    fields["readiness_check_id"] = check.uuidString.lowercased()
                    fields["readiness_check_title"] = item.nudge.initiativeTitle
                }
                return fields
            },
        ]
        return try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
    }

    /// A Slack-compatible incoming-webhook message; `slackUser` is mentioned when known.
    func slackBody(slackUser: String?) throws -> Data {
        let greeting = slackUser.map { "<@\($0)> " } ?? ""
        var blocks: [[String: Any]] = [
            ["type": "section", "text": ["type": "mrkdwn", "text": greeting + "*\(Self.escape(title))*"]]
        ]
        for item in items {
            blocks.append([
                "type": "section",
                "text": [
                    "type": "mrkdwn",
                    "text":
                        "*\(Self.escape(item.nudge.initiativeTitle))* (\(Self.about(item.nudge)), "
                        + "\(Self.why(item.nudge.reason)))",
                ],
                "accessory": [
                    "type": "button", "text": ["type": "plain_text", "text": "Answer"], "url": item.answerURL,
                ],
            ])
        }
        let payload: [String: Any] = ["text": greeting + text, "blocks": blocks]
        return try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
    }

    /// Slack mrkdwn control characters.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
