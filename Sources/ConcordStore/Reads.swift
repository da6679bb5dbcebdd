/// The reads the API and worker run with `Store.read(_:_:)`, one round trip each; every aggregate adds its
/// own in an extension (`Reads.initiative(_:)`, `Reads.goalTree(_:)`, ...).
///
/// A read is built without a scope: its statements filter on `org_id = app.current_org()`, the same
/// transaction-local setting the row-level security policy reads. The function is inlined by the planner,
/// so the predicate is a constant the indexes leading with `org_id` can use.
public enum Reads {}
