import ConcordDomain
import Foundation
import PQ

/// A client organisation (the tenant) and its nudge policy defaults.
public struct Organisation: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public var name: String
    /// URL-safe handle, unique across the installation.
    public let slug: String
    public var settings: OrganisationSettings
    public var archivedAt: Date?
    public let createdAt: Date
    public var updatedAt: Date
    public var version: Int

    static let columns = """
        o.org_id AS id, o.name, o.slug, o.timezone, o.working_days,
        \(SQLFragment.clock(of: "o.quiet_hours_start", as: "quiet_hours_start")),
        \(SQLFragment.clock(of: "o.quiet_hours_end", as: "quiet_hours_end")),
        o.nudge_weekly_cap, o.revisit_cadence_days, o.quiet_after_days, o.archived_at, o.created_at,
        o.updated_at, o.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        name = try row.decode("name")
        slug = try row.decode("slug")
        let start = try row.decodeLocalTime("quiet_hours_start")
        let end = try row.decodeLocalTime("quiet_hours_end")
        settings = OrganisationSettings(
            timezone: try row.decode("timezone"), workingDays: try row.decode("working_days"),
            quietHours: start.flatMap { start in end.map { QuietHoursWindow(start: start, end: $0) } },
            nudgeWeeklyCap: try row.decode("nudge_weekly_cap"),
            revisitCadenceDays: try row.decode("revisit_cadence_days"),
            quietAfterDays: try row.decode("quiet_after_days"))
        archivedAt = try row.decode("archived_at")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
        version = try row.decode("version")
    }
}

/// What an organisation may change about itself.
public struct OrganisationSettings: Sendable, Codable, Hashable {
    /// IANA name, e.g. "Europe/Berlin".
    public var timezone: String
    /// ISO weekdays nudges may go out on: 1 = Monday ... 7 = Sunday.
    public var workingDays: [Int]
    /// Nil: no quiet hours.
    public var quietHours: QuietHoursWindow?
    public var nudgeWeeklyCap: Int
    /// The default revisit window of its initiatives.
    public var revisitCadenceDays: Int
    /// Days without activity after which an initiative counts as quiet.
    public var quietAfterDays: Int

    public init(
        timezone: String = "UTC", workingDays: [Int] = [1, 2, 3, 4, 5],
        quietHours: QuietHoursWindow? = QuietHoursWindow(start: LocalTime(hour: 18)!, end: LocalTime(hour: 8)!),
        nudgeWeeklyCap: Int = 5, revisitCadenceDays: Int = 30, quietAfterDays: Int = 14
    ) {
        self.timezone = timezone
        self.workingDays = workingDays
        self.quietHours = quietHours
        self.nudgeWeeklyCap = nudgeWeeklyCap
        self.revisitCadenceDays = revisitCadenceDays
        self.quietAfterDays = quietAfterDays
    }
}

/// No nudges from `start` to `end`, local time; may wrap past midnight (18:00-08:00).
public struct QuietHoursWindow: Sendable, Codable, Hashable {
    public var start: LocalTime
    public var end: LocalTime

    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }
}
