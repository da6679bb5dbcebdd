import ConcordDomain

/// The colours of the pictures, in one place so a legend, a test and a reader agree.
public enum Palette {
    /// A node's fill and border by rolled-up status (traffic light, light fill so text stays readable).
    public static func fill(_ status: NodeStatus) -> String {
        switch status {
        case .green: "#c8e6c9"
        case .amber: "#ffe0b2"
        case .red: "#ffcdd2"
        }
    }

    public static func stroke(_ status: NodeStatus) -> String {
        switch status {
        case .green: "#2e7d32"
        case .amber: "#e65100"
        case .red: "#b71c1c"
        }
    }

    /// A leader's cell by priority, 1 (pale) to 5 (deep blue); grey when there is no answer.
    public static func fill(priority: Int?) -> String {
        guard let priority else { return noAnswer }
        return priorities[min(max(priority, 1), 5) - 1]
    }

    public static let priorities = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
    public static let noAnswer = "#e0e0e0"

    /// Buy-in from red (unaware) to green (acting); grey when not asked.
    public static func fill(buyIn: BuyIn?) -> String {
        switch buyIn {
        case .unaware: "#d73027"
        case .aware: "#fc8d59"
        case .understands: "#fee08b"
        case .committed: "#91cf60"
        case .acting: "#1a9850"
        case nil: "#bdbdbd"
        }
    }

    /// Dark text on pale fills, white on deep ones.
    static func text(onPriority priority: Int?) -> String {
        (priority ?? 0) >= 4 ? "#ffffff" : "#1b1f24"
    }
}
