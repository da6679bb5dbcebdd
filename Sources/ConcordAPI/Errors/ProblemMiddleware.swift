import ConcordDomain
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PQ

/// The one place where any error becomes a response: problem+json, with database wording kept inside.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = ConcordRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            var problem = Self.problem(for: error, logger: context.logger)
            problem.requestId = context.requestID
            var response = try problem.response(from: request, context: context)
            response.headers[.requestID] = context.requestID
            return response
        }
    }

    static func problem(for error: any Error, logger: Logger) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let store as StoreError:
            return problem(for: store)
        case let refusal as StageGateRefusal:
            return problem(for: refusal)
        case let decoding as DecodingError:
            return problem(for: decoding)
        case let http as HTTPError:
            return Problem(
                http.status, type: "http-\(http.status.code)", title: http.status.reasonPhrase,
                detail: http.body)
        case let postgres as PostgresError:
            switch postgres.kind {
            case .poolTimeout, .connectionLost, .connectionFailed, .poolClosed:
                logger.error("database unavailable", metadata: ["error": "\(postgres)"])
                return Problem(
                    .serviceUnavailable, type: "unavailable", title: "Service unavailable",
                    detail: "the database is not reachable right now; try again")
            case .encoding:
                return .badRequest(postgres.message)
            default:
                logger.error("database error", metadata: ["error": "\(postgres)"])
                return Problem(.internalServerError, type: "internal", title: "Internal error")
            }
        default:
            logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(.internalServerError, type: "internal", title: "Internal error")
        }
    }

    static func problem(for refusal: StageGateRefusal) -> Problem {
        let index =
            refusal.alignmentIndex.map { "\(MoneyRounding.halfUp.round($0, scale: 3))" }
            ?? "none (no leader is required)"
        var problem = Problem(
            .conflict, type: "alignment-gate", title: "Below the alignment gate",
            detail: "moving from \(refusal.from.rawValue) to \(refusal.to.rawValue) needs an alignment index of "
                + "\(refusal.gate.threshold) (\(refusal.gate.source) gate); it is \(index). Align the leaders listed, "
                + "or send gate_override with a reason.")
        problem.notAlignedLeaders = refusal.gate.notAlignedLeaders.map {
            Problem.Leader(leaderID: $0.leaderID, name: $0.name, status: $0.status)
        }
        return problem
    }

    static func problem(for error: StoreError) -> Problem {
        switch error {
        case .notFound(let entity, let id):
            return .notFound("\(entity) \(id)")
        case .versionConflict(let entity, let id, let current):
            return Problem(
                .preconditionFailed, type: "version-conflict", title: "Precondition failed",
                detail: "\(entity) \(id) has changed (now version \(current)); read it again and retry")
        case .invalid(let constraint, let message):
            return .invalid(field: FieldNames.field(forConstraint: constraint), rule: constraint, message: message)
        case .missingReference(let constraint, let message):
            return .invalid(field: FieldNames.field(forConstraint: constraint), rule: constraint, message: message)
        case .conflict(let constraint, let message):
            return Problem(
                .conflict, type: "conflict", title: "Conflict", detail: message,
                errors: [
                    .init(field: FieldNames.field(forConstraint: constraint), rule: constraint, message: message)
                ])
        }
    }

    static func problem(for error: DecodingError) -> Problem {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? FieldNames.snakeCase($0.stringValue) }
                .joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalid(field: field, rule: "required", message: "\(field) is required")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .invalid(field: field, rule: "type", message: "\(field) must be \(FieldNames.describe(type))")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            // Foundation's decoder says no more (no path, no cause) for a number its field cannot hold either.
            if field.isEmpty {
                return .badRequest(
                    "the body is not valid JSON, or holds a number its field cannot hold (1e400, 2^63, a fraction"
                        + " for a whole number)")
            }
            return .invalid(field: field, rule: "format", message: "\(field): \(context.debugDescription)")
        @unknown default:
            return .badRequest("the body could not be read")
        }
    }
}

/// Maps the database's names to the API's field names.
enum FieldNames {
    /// `initiatives_importance_range` → `importance`; `initiatives_lead_area_fk` → `lead_area_id`.
    static func field(forConstraint constraint: String) -> String {
        let known: [String: String] = [
            "initiatives_importance_range": "importance",
            "initiatives_stage_valid": "stage",
            "initiatives_health_valid": "health",
            "initiatives_dates_order": "target_date",
            "initiatives_lead_area_fk": "lead_area_id",
            "initiatives_sponsor_fk": "sponsor_leader_id",
            "alignment_ratings_priority_range": "priority",
            "alignment_ratings_buy_in_valid": "buy_in",
            "goal_nodes_confidence_range": "confidence",
            "goal_nodes_status_valid": "status",
            "goal_links_no_cycle": "parent_id",
            "leaders_email_unique": "email",
            "leaders_email_valid": "email",
            "organisations_timezone_valid": "timezone",
            "leaders_timezone_valid": "timezone",
            "organisations_slug_unique": "slug",
            "ld_programmes_title_valid": "title",
            "ld_programmes_objectives_valid": "objectives",
            "ld_programmes_initiative_fk": "initiative_id",
            "ld_programmes_goal_node_fk": "goal_node_id",
            "ld_programmes_serves_one": "goal_node_id",
            "ld_programmes_dates_order": "end_date",
            "ld_programmes_benefit_horizon_range": "benefit_horizon_months",
            "ld_costs_category_valid": "category",
            "ld_costs_description_valid": "description",
            "ld_costs_amount_nonnegative": "amount",
            "ld_costs_proration_complete": "amortisation_months",
            "ld_costs_proration_category": "months_used",
            "ld_costs_months_used_range": "months_used",
            "ld_costs_amortisation_months_range": "amortisation_months",
            "ld_participants_leader_fk": "leader_id",
            "ld_participants_leader_once": "leader_id",
            "ld_participants_who": "person_name",
            "ld_participants_person_name_valid": "person_name",
            "ld_participants_reaction_range": "reaction",
            "ld_participants_learning_range": "learning",
            "ld_participants_application_range": "application",
            "ld_impact_measures_name_valid": "name",
            "ld_impact_measures_unit_valid": "unit",
            "ld_impact_measures_unit_value_nonnegative": "unit_value",
            "ld_impact_measures_direction_valid": "direction",
            "ld_impact_measures_period_valid": "period",
            "ld_impact_measures_attribution_range": "attribution",
            "ld_impact_measures_isolation_method_valid": "isolation_method",
            "ld_impact_measures_confidence_range": "confidence",
            "ld_intangibles_description_valid": "description",
            "assessment_frameworks_name_valid": "name",
            "assessment_frameworks_name_unique": "name",
            "assessment_dimensions_name_valid": "name",
            "assessment_dimensions_name_unique": "name",
            "assessment_dimensions_order_complete": "dimension_ids",
            "assessments_leader_fk": "leader_id",
            "assessments_framework_fk": "framework_id",
            "assessments_assessor_valid": "assessor",
            "assessment_scores_score_range": "scores.score",
            "assessment_scores_dimension_fk": "scores.dimension_id",
        ]
        if let field = known[constraint] { return field }
        let parts = constraint.split(separator: "_")
        return parts.count > 1 ? parts.dropFirst().dropLast().joined(separator: "_") : constraint
    }

    static func snakeCase(_ name: String) -> String { JSONCoding.snakeCase(name) }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int16.Type, is Int32.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Decimal.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is UUID.Type: return "a UUID"
        case is Date.Type: return "an ISO 8601 time"
        default: return "\(type)"
        }
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
    static let idempotencyKey = Self("Idempotency-Key")!
}
