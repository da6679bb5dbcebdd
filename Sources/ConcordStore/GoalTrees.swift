import ConcordDomain
import Foundation
import PQ

extension TenantTransaction {
    /// Creates a tree and its goal node in one round trip.
    public func createGoalTree(
        name: String, description: String = "", goal: GoalNodeFields
    ) async throws -> (tree: GoalTreeRecord, goal: GoalNodeRecord) {
        let treeID = UUID()
        var goalFields = goal
        goalFields.kind = .goal
        let results = try await transaction.pipeline([
            """
            INSERT INTO goal_trees AS t (org_id, id, name, description)
            VALUES (\(orgID)::uuid, \(treeID)::uuid, \(name), \(description))
            RETURNING \(unescaped: GoalTreeRecord.columns)
            """,
            insertNode(UUID(), tree: treeID, goalFields),
        ])
        return (try GoalTreeRecord(row: results[0][0]), try GoalNodeRecord(row: results[1][0]))
    }

    /// Renames or re-describes the tree if it is still at `expectedVersion`.
    public func updateGoalTree(
        _ id: UUID, name: String, description: String, expectedVersion: Int
    ) async throws -> GoalTreeRecord {
        try await updateVersioned(
            """
            UPDATE goal_trees AS t SET name = \(name), description = \(description), version = t.version + 1
            WHERE t.org_id = \(orgID)::uuid AND t.id = \(id)::uuid AND t.version = \(expectedVersion)::int4
            RETURNING \(unescaped: GoalTreeRecord.columns)
            """, table: "goal_trees", entity: "goal tree", id: id, decode: GoalTreeRecord.init(row:))
    }

    /// Archives the tree; it stays readable.
    public func archiveGoalTree(_ id: UUID, expectedVersion: Int) async throws -> GoalTreeRecord {
        try await updateVersioned(
            """
            UPDATE goal_trees AS t SET archived_at = coalesce(t.archived_at, now()), version = t.version + 1
            WHERE t.org_id = \(orgID)::uuid AND t.id = \(id)::uuid AND t.version = \(expectedVersion)::int4
            RETURNING \(unescaped: GoalTreeRecord.columns)
            """, table: "goal_trees", entity: "goal tree", id: id, decode: GoalTreeRecord.init(row:))
    }

    /// Adds a node to a tree, linked below `parentIDs` ("in order to have each parent we must have it"), in
    /// one round trip.
    public func addGoalNode(
        to treeID: UUID, _ fields: GoalNodeFields, under parentIDs: [UUID] = []
    ) async throws -> GoalNodeRecord {
        let id = UUID()
        var statements = [insertNode(id, tree: treeID, fields)]
        if !parentIDs.isEmpty {
            statements.append(
                """
                INSERT INTO goal_links (org_id, tree_id, parent_id, child_id)
                SELECT \(orgID)::uuid, \(treeID)::uuid, p.parent_id, \(id)::uuid
                FROM unnest(\(parentIDs)::uuid[]) AS p (parent_id)
                """)
        }
        let results = try await transaction.pipeline(statements)
        return try GoalNodeRecord(row: results[0][0])
    }

    /// Replaces the node's fields if it is still at `expectedVersion`.
    public func updateGoalNode(
        _ id: UUID, expectedVersion: Int, _ fields: GoalNodeFields
    ) async throws -> GoalNodeRecord {
        try await updateVersioned(
            """
            UPDATE goal_nodes AS n
            SET kind = \(raw: fields.kind), title = \(fields.title), measure = \(fields.measure),
                accountable_leader_id = \(fields.accountableLeaderID)::uuid, status = \(raw: fields.status),
                confidence = \(fields.confidence)::int4, version = n.version + 1
            WHERE n.org_id = \(orgID)::uuid AND n.id = \(id)::uuid AND n.version = \(expectedVersion)::int4
            RETURNING \(unescaped: GoalNodeRecord.columns)
            """, table: "goal_nodes", entity: "goal node", id: id, decode: GoalNodeRecord.init(row:))
    }

    /// `notFound` unless the node is in the tree: the routes name both, so a node must not be reachable
    /// through another tree's path (nor through a tree id of another organisation).
    public func requireGoalNode(_ id: UUID, inTree treeID: UUID) async throws {
        let found = try await transaction.query(
            """
            SELECT 1 FROM goal_nodes
            WHERE org_id = \(orgID)::uuid AND tree_id = \(treeID)::uuid AND id = \(id)::uuid
            """)
        if found.isEmpty { throw StoreError.notFound(entity: "goal node", id: id.uuidString) }
    }

    /// Deletes a node and its links (the initiatives' links to it go too).
    public func deleteGoalNode(_ id: UUID) async throws {
        let deleted = try await transaction.execute(
            "DELETE FROM goal_nodes WHERE org_id = \(orgID)::uuid AND id = \(id)::uuid")
        if deleted == 0 { throw StoreError.notFound(entity: "goal node", id: id.uuidString) }
    }

    /// Links `child` below `parent`. A link that would close a cycle is refused by the database
    /// (`StoreError.invalid` with constraint `goal_links_no_cycle`); linking twice is a no-op.
    public func linkGoalNodes(parent: UUID, child: UUID) async throws {
        try await transaction.execute(
            """
            INSERT INTO goal_links (org_id, parent_id, child_id)
            VALUES (\(orgID)::uuid, \(parent)::uuid, \(child)::uuid)
            ON CONFLICT (org_id, parent_id, child_id) DO NOTHING
            """)
    }

    /// Removes the link; `notFound` if there was none.
    public func unlinkGoalNodes(parent: UUID, child: UUID) async throws {
        let deleted = try await transaction.execute(
            """
            DELETE FROM goal_links
            WHERE org_id = \(orgID)::uuid AND parent_id = \(parent)::uuid AND child_id = \(child)::uuid
            """)
        if deleted == 0 { throw StoreError.notFound(entity: "goal link", id: "\(parent)/\(child)") }
    }

    /// Moves `node` from below `oldParent` to below `newParent`: both links change together or neither.
    public func moveGoalNode(_ node: UUID, from oldParent: UUID, to newParent: UUID) async throws {
        try await unlinkGoalNodes(parent: oldParent, child: node)
        try await linkGoalNodes(parent: newParent, child: node)
    }

    /// Records that the initiative serves the node; linking twice is a no-op.
    public func linkInitiative(_ initiativeID: UUID, toGoalNode nodeID: UUID) async throws {
        try await transaction.execute(
            """
            INSERT INTO initiative_goal_nodes (org_id, initiative_id, node_id)
            VALUES (\(orgID)::uuid, \(initiativeID)::uuid, \(nodeID)::uuid)
            ON CONFLICT (org_id, initiative_id, node_id) DO NOTHING
            """)
    }

    /// Removes the initiative's link to the node; `notFound` if there was none.
    public func unlinkInitiative(_ initiativeID: UUID, fromGoalNode nodeID: UUID) async throws {
        let deleted = try await transaction.execute(
            """
            DELETE FROM initiative_goal_nodes
            WHERE org_id = \(orgID)::uuid AND initiative_id = \(initiativeID)::uuid AND node_id = \(nodeID)::uuid
            """)
        if deleted == 0 { throw StoreError.notFound(entity: "initiative goal link", id: "\(initiativeID)/\(nodeID)") }
    }

    private func insertNode(_ id: UUID, tree treeID: UUID, _ fields: GoalNodeFields) -> SQL {
        """
        INSERT INTO goal_nodes AS n
          (org_id, id, tree_id, kind, title, measure, accountable_leader_id, status, confidence)
        VALUES (\(orgID)::uuid, \(id)::uuid, \(treeID)::uuid, \(raw: fields.kind), \(fields.title), \(fields.measure),
                \(fields.accountableLeaderID)::uuid, \(raw: fields.status), \(fields.confidence)::int4)
        RETURNING \(unescaped: GoalNodeRecord.columns)
        """
    }
}
