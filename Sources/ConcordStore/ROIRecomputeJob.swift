import Foundation

/// The worker job that recomputes ROI snapshots (`app.ld_compute_roi`); described here so the API, which
/// enqueues it, and the worker, which runs it, agree on its kind, arguments and key.
///
/// Writes that change a programme's figures enqueue one job per organisation and minute: the key names the
/// minute of the write and the job runs just after that minute ends, so a burst of writes collapses into
/// one run that sees all of them. It recomputes only programmes whose inputs changed.
public enum ROIRecomputeJob {
    public static let kind = "ld.compute_roi"

    /// Seconds after the end of the minute before the job runs, for clock differences between API hosts
    /// and the database.
    public static let graceSeconds: TimeInterval = 5

    public struct Args: Codable, Sendable, Hashable {
        /// The organisation to recompute; nil for every active organisation.
        public var orgID: UUID?
        /// Recompute every programme, not only those whose inputs changed.
        public var recomputeAll: Bool

        public init(orgID: UUID?, recomputeAll: Bool = false) {
            self.orgID = orgID
            self.recomputeAll = recomputeAll
        }

        enum CodingKeys: String, CodingKey {
            case orgID = "org_id"
            case recomputeAll = "recompute_all"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            orgID = try container.decodeIfPresent(UUID.self, forKey: .orgID)
            recomputeAll = try container.decodeIfPresent(Bool.self, forKey: .recomputeAll) ?? false
        }
    }

    /// `ld.compute_roi:<org>:<minute since 1970>` for a write at `now`.
    public static func uniqueKey(orgID: UUID, at now: Date) -> String {
        "\(kind):\(orgID.uuidString.lowercased()):\(minute(of: now))"
    }

    /// Just after the end of the minute of `now`.
    public static func runAt(after now: Date) -> Date {
        Date(timeIntervalSince1970: TimeInterval((minute(of: now) + 1) * 60) + graceSeconds)
    }

    private static func minute(of date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 60).rounded(.down))
    }
}
