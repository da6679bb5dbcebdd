/// Why a ratio could not be computed; nil figures always come with one of these.
public enum ROIUnavailable: String, Codable, Sendable, Hashable {
    /// No costs: BCR and ROI would divide by zero.
    case noCosts = "no_costs"
    /// No benefits: payback never happens.
    case noBenefits = "no_benefits"
}
