import ConcordStore
import Foundation

/// The rules of assessment frameworks and scores, checked before the database so a refusal names the very
/// element that broke one (`dimensions[2].name`, `scores[0].dimension_id`); the schema's constraints stay the
/// backstop, and a refusal carries their names as its rule.
enum AssessmentRules {
    /// A framework created with its dimensions: each name valid, none twice.
    static func check(dimensions: [NamedFields]) throws {
        var seen = Set<String>()
        for (index, dimension) in dimensions.enumerated() {
            let field = "dimensions[\(index)].name"
            try checkName(dimension.name, field: field, rule: "assessment_dimensions_name_valid")
            guard seen.insert(dimension.name).inserted else {
                throw Problem.invalid(
                    field: field, rule: "assessment_dimensions_name_unique",
                    message: "\(field): the framework already has a dimension named '\(dimension.name)'")
            }
        }
    }

    /// As the schema's `btrim(name) <> '' AND length(name) <= 200`: btrim takes spaces only, length counts
    /// characters (code points).
    static func checkName(_ name: String, field: String, rule: String) throws {
        guard !name.unicodeScalars.allSatisfy({ $0 == " " }), name.unicodeScalars.count <= 200 else {
            throw Problem.invalid(
                field: field, rule: rule, message: "\(field) must be 1 to 200 characters and not only spaces")
        }
    }

    /// Scores for `framework`: each on one of its dimensions, each dimension once, each 0 to 100 with at most
    /// two decimals (the column's scale; more would be rounded silently).
    static func check(scores: [AssessmentScore], on framework: AssessmentFramework) throws {
        let dimensions = Set(framework.dimensions.map(\.id))
        var seen = Set<UUID>()
        for (index, score) in scores.enumerated() {
            let field = "scores[\(index)]"
            guard dimensions.contains(score.dimensionID) else {
                throw Problem.invalid(
                    field: "\(field).dimension_id", rule: "assessment_scores_dimension_fk",
                    message:
                        "\(field).dimension_id: \(score.dimensionID.uuidString.lowercased()) is not a dimension of "
                        + "framework \(framework.id.uuidString.lowercased())")
            }
            guard seen.insert(score.dimensionID).inserted else {
                throw Problem.invalid(
                    field: "\(field).dimension_id", rule: "assessment_scores_pkey",
                    message: "\(field).dimension_id: the dimension is scored twice")
            }
            guard score.score >= 0, score.score <= 100 else {
                throw Problem.invalid(
                    field: "\(field).score", rule: "assessment_scores_score_range",
                    message: "\(field).score must be from 0 to 100")
            }
            var hundredths = score.score * 100
            var whole = Decimal()
            NSDecimalRound(&whole, &hundredths, 0, .plain)
            guard whole == hundredths else {
                throw Problem.invalid(
                    field: "\(field).score", rule: "scale", message: "\(field).score has at most two decimals")
            }
        }
    }
}
