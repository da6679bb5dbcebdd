import ConcordDomain
import Foundation
import PQ

/// A level-4 impact measure of a programme, as stored: the business measure (productivity, retention,
/// quality, innovation, or one the organisation names), its unit, baseline and result, the money one unit is
/// worth, and how much of the change the programme may claim.
public struct ProgrammeMeasure: Sendable, Codable, Hashable, Identifiable {
    public let id: UUID
    public let programmeID: UUID
    public var name: String
    public var unit: String
    @DecimalString public var baseline: Decimal
    /// Nil: no result yet, which counts as no improvement.
    @OptionalDecimalString public var after: Decimal?
    /// Money per unit.
    @DecimalString public var unitValue: Decimal
    public var direction: ImprovementDirection
    public var period: MeasurePeriod
    /// 0-1.
    @DecimalString public var attribution: Decimal
    public var isolationMethod: IsolationMethod
    /// 0-1.
    @DecimalString public var confidence: Decimal
    public let createdAt: Date
    public var version: Int

    static let columns = """
        m.id, m.programme_id, m.name, m.unit, m.baseline, m.after, m.unit_value, m.direction, m.period,
        m.attribution, m.isolation_method, m.confidence, m.created_at, m.version
        """

    init(row: Row) throws {
        id = try row.decode("id")
        programmeID = try row.decode("programme_id")
        name = try row.decode("name")
        unit = try row.decode("unit")
        baseline = try row.decode("baseline")
        after = try row.decode("after")
        unitValue = try row.decode("unit_value")
        direction = try row.decodeEnum("direction")
        period = try row.decodeEnum("period")
        attribution = try row.decode("attribution")
        isolationMethod = try row.decodeEnum("isolation_method")
        confidence = try row.decode("confidence")
        createdAt = try row.decode("created_at")
        version = try row.decode("version")
    }

    /// The measure as the domain's ROI sees it.
    public var measure: ImpactMeasure {
        ImpactMeasure(
            name: name, baseline: baseline, after: after, unitValue: unitValue, attribution: attribution,
            confidence: confidence, direction: direction, period: period)
    }
}

/// What the API gives to add a measure; everything but `after` is required (a measure without a unit value
/// could never be turned into money, so it is refused rather than counted as zero).
public struct MeasureFields: Sendable, Codable, Hashable {
    public var name: String
    public var unit: String
    @DecimalString public var baseline: Decimal
    @OptionalDecimalString public var after: Decimal?
    @DecimalString public var unitValue: Decimal
    public var direction: ImprovementDirection
    public var period: MeasurePeriod
    @DecimalString public var attribution: Decimal
    public var isolationMethod: IsolationMethod
    @DecimalString public var confidence: Decimal

    public init(
        name: String, unit: String, baseline: Decimal, after: Decimal?, unitValue: Decimal,
        direction: ImprovementDirection, period: MeasurePeriod, attribution: Decimal,
        isolationMethod: IsolationMethod, confidence: Decimal
    ) {
        self.name = name
        self.unit = unit
        self.baseline = baseline
        self.after = after
        self.unitValue = unitValue
        self.direction = direction
        self.period = period
        self.attribution = attribution
        self.isolationMethod = isolationMethod
        self.confidence = confidence
    }
}
