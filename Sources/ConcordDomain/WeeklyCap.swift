/// At most `cap` nudges per leader per ISO week (in the leader's time zone); the surplus becomes one digest.
public enum WeeklyCap {
    public static let defaultCap = 5

    /// Orders by priority then due time (then input order), sends what fits, and digests the rest into the
    /// last free slot. Nothing goes out once the cap is reached.
    public static func plan<Payload>(
        due: [DueNudge<Payload>], alreadySentThisWeek: Int, cap: Int = defaultCap
    ) -> WeeklyCapPlan<Payload> {
        let ordered = due.enumerated().sorted { a, b in
            (a.element.priority, a.element.dueAt, a.offset) < (b.element.priority, b.element.dueAt, b.offset)
        }.map(\.element)
        let free = cap - alreadySentThisWeek
        if free <= 0 { return WeeklyCapPlan(individual: [], digest: [], deferred: ordered) }
        if ordered.count <= free { return WeeklyCapPlan(individual: ordered, digest: [], deferred: []) }
        return WeeklyCapPlan(
            individual: Array(ordered.prefix(free - 1)), digest: Array(ordered.dropFirst(free - 1)), deferred: [])
    }
}
