import ConcordDomain
import Foundation
import PQ

/// The Phillips figures of one programme at one time, unrounded: a stored snapshot (`ld_roi_results`), or
/// the same figures computed on read by the domain when no snapshot exists yet.
public struct ROISnapshot: Sendable, Codable, Hashable {
    /// One measure's share of the benefits.
    public struct MeasureFigure: Sendable, Codable, Hashable {
        public var id: UUID?
        public var name: String
        @DecimalString public var improvementPerPeriod: Decimal
        @DecimalString public var annualBenefit: Decimal
    }

    /// The stored snapshot's id; nil for figures computed on read.
    public var id: UUID?
    public var programmeID: UUID
    public var computedAt: Date
    /// The programme's `inputsVersion` the figures came from.
    public var inputsVersion: Int
    public var horizonMonths: Int
    /// Charged (prorated) cost per category used.
    public var costsByCategory: [String: DecimalString]
    public var measures: [MeasureFigure]
    @DecimalString public var totalCost: Decimal
    @DecimalString public var annualBenefits: Decimal
    /// annualBenefits × horizonMonths / 12: what BCR and ROI use.
    @DecimalString public var benefits: Decimal
    @OptionalDecimalString public var bcr: Decimal?
    @OptionalDecimalString public var roiPercent: Decimal?
    /// Why bcr and roiPercent are nil (`no_costs`): never reported as infinity or zero.
    public var unavailableReason: ROIUnavailable?
    @OptionalDecimalString public var paybackMonths: Decimal?
    /// Why paybackMonths is nil (`no_benefits`).
    public var paybackUnavailableReason: ROIUnavailable?
    public var participants: Int
    /// Completed / participants with a known completion, 0-1.
    @OptionalDecimalString public var completionRate: Decimal?
    /// Level 1 (reaction, 1-5), 2 (learning, 0-100) and 3 (application, 0-100) means.
    @OptionalDecimalString public var level1Mean: Decimal?
    @OptionalDecimalString public var level2Mean: Decimal?
    @OptionalDecimalString public var level3Mean: Decimal?

    /// The JSON columns come back as text with every number as a string, so no value passes through a
    /// binary floating-point number on the way.
    static let columns = """
        r.id, r.programme_id, r.computed_at, r.inputs_version, r.horizon_months,
        (SELECT coalesce(jsonb_object_agg(e.key, e.value #>> '{}'), '{}')
         FROM jsonb_each(r.costs_by_category) AS e)::text AS costs_by_category,
        (SELECT coalesce(jsonb_agg(jsonb_build_object(
                  'id', x.value ->> 'id', 'name', x.value ->> 'name',
                  'improvement_per_period', x.value ->> 'improvement_per_period',
                  'annual_benefit', x.value ->> 'annual_benefit') ORDER BY x.n), '[]')
         FROM jsonb_array_elements(r.measures) WITH ORDINALITY AS x (value, n))::text AS measures,
        r.total_cost, r.annual_benefits, r.benefits, r.bcr, r.roi_percent, r.unavailable_reason,
        r.payback_months, r.payback_unavailable_reason, r.participants, r.completion_rate,
        r.level1_mean, r.level2_mean, r.level3_mean
        """

    init(row: Row) throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        id = try row.decode("id")
        programmeID = try row.decode("programme_id")
        computedAt = try row.decode("computed_at")
        inputsVersion = try row.decode("inputs_version")
        horizonMonths = try row.decode("horizon_months")
        costsByCategory = try decoder.decode(
            [String: DecimalString].self, from: Data(try row.decode("costs_by_category", as: String.self).utf8))
        measures = try decoder.decode(
            [MeasureFigure].self, from: Data(try row.decode("measures", as: String.self).utf8))
        totalCost = try row.decode("total_cost")
        annualBenefits = try row.decode("annual_benefits")
        benefits = try row.decode("benefits")
        bcr = try row.decode("bcr")
        roiPercent = try row.decode("roi_percent")
        unavailableReason = try row.decodeEnum("unavailable_reason", as: ROIUnavailable?.self)
        paybackMonths = try row.decode("payback_months")
        paybackUnavailableReason = try row.decodeEnum("payback_unavailable_reason", as: ROIUnavailable?.self)
        participants = try row.decode("participants")
        completionRate = try row.decode("completion_rate")
        level1Mean = try row.decode("level1_mean")
        level2Mean = try row.decode("level2_mean")
        level3Mean = try row.decode("level3_mean")
    }

    /// The figures of `inputs` computed now by the domain (`ROI.evaluate`, `ParticipantLevels`).
    public init(computing inputs: ProgrammeInputs, at now: Date = Date()) {
        let report = ROI.evaluate(
            costs: inputs.costs.map(\.item), measures: inputs.measures.map(\.measure),
            horizonMonths: inputs.programme.benefitHorizonMonths)
        let levels = ParticipantLevels(inputs.participants.map(\.record))
        id = nil
        programmeID = inputs.programme.id
        computedAt = now
        inputsVersion = inputs.programme.inputsVersion
        horizonMonths = report.horizonMonths
        let used = Set(inputs.costs.map(\.category))
        costsByCategory = Dictionary(
            uniqueKeysWithValues: report.costsByCategory.filter { used.contains($0.key) }.map {
                ($0.key.rawValue, DecimalString(wrappedValue: $0.value))
            })
        measures = zip(inputs.measures, report.measures).map { stored, figure in
            MeasureFigure(
                id: stored.id, name: figure.name, improvementPerPeriod: figure.improvementPerPeriod,
                annualBenefit: figure.annualBenefit)
        }
        totalCost = report.totalCost
        annualBenefits = report.annualBenefits
        benefits = report.benefits
        bcr = report.benefitCostRatio
        roiPercent = report.roiPercent
        unavailableReason = report.ratioUnavailable
        paybackMonths = report.paybackMonths
        paybackUnavailableReason = report.paybackUnavailable
        participants = levels.participants
        completionRate = levels.completionRate
        level1Mean = levels.reactionMean
        level2Mean = levels.learningMean
        level3Mean = levels.applicationMean
    }
}

/// Everything the figures of one programme are computed from, read in one round trip.
public struct ProgrammeInputs: Sendable, Codable, Hashable {
    public var programme: Programme
    public var costs: [ProgrammeCost]
    public var participants: [Participant]
    public var measures: [ProgrammeMeasure]
    public var intangibles: [Intangible]
}
