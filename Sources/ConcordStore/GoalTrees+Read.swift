import ConcordDomain
import Foundation
import PQ

extension Reads {
    /// A whole Goal Tree, rolled up: the tree, its nodes, its links and the initiatives on its nodes, four
    /// statements in one round trip. Nil when the organisation has no such tree.
    public static func goalTree(_ id: UUID) -> StoreRead<GoalTreeSnapshot?> {
        StoreRead([
            "SELECT \(unescaped: GoalTreeRecord.columns) FROM goal_trees AS t WHERE t.org_id = app.current_org() AND t.id = \(id)::uuid",
            """
            SELECT \(unescaped: GoalNodeRecord.columns) FROM goal_nodes AS n
            WHERE n.org_id = app.current_org() AND n.tree_id = \(id)::uuid
            ORDER BY n.created_at, n.id
            """,
            """
            SELECT gl.parent_id, gl.child_id FROM goal_links AS gl
            WHERE gl.org_id = app.current_org() AND gl.tree_id = \(id)::uuid
            ORDER BY gl.created_at, gl.parent_id, gl.child_id
            """,
            """
            SELECT ign.node_id, ign.initiative_id
            FROM goal_nodes AS n
            JOIN initiative_goal_nodes AS ign ON ign.org_id = n.org_id AND ign.node_id = n.id
            WHERE n.org_id = app.current_org() AND n.tree_id = \(id)::uuid
            ORDER BY ign.created_at, ign.initiative_id
            """,
        ]) { results in
            guard let row = results[0].first else { return nil }
            var initiatives: [UUID: [UUID]] = [:]
            for row in results[3] {
                let (node, initiative) = try row.decode((UUID, UUID).self)
                initiatives[node, default: []].append(initiative)
            }
            return try GoalTreeSnapshot(
                tree: try GoalTreeRecord(row: row), nodes: try results[1].decodeAll(GoalNodeRecord.init(row:)),
                links: try results[2].decodeAll {
                    GoalLinkRecord(parentID: try $0.decode(0), childID: try $0.decode(1))
                },
                initiatives: initiatives)
        }
    }

    /// The organisation's goal trees (without nodes), in creation order.
    public static func goalTrees(includeArchived: Bool = false, page: PageRequest) -> StoreRead<Page<GoalTreeRecord>> {
        var statement: SQL = """
            SELECT \(unescaped: GoalTreeRecord.columns), \(unescaped: PageRequest.cursorColumn(alias: "t"))
            FROM goal_trees AS t
            WHERE t.org_id = app.current_org() AND (\(includeArchived)::bool OR t.archived_at IS NULL)
            """
        statement.append(page.predicate(alias: "t"))
        statement.append(page.orderAndLimit(alias: "t"))
        return StoreRead([statement]) { try page.page($0[0], GoalTreeRecord.init(row:)) }
    }

    /// The goal nodes an initiative serves.
    public static func goalNodes(servedBy initiativeID: UUID) -> StoreRead<[GoalNodeRecord]> {
        StoreRead([
            """
            SELECT \(unescaped: GoalNodeRecord.columns)
            FROM initiative_goal_nodes AS ign
            JOIN goal_nodes AS n ON n.org_id = ign.org_id AND n.id = ign.node_id
            WHERE ign.org_id = app.current_org() AND ign.initiative_id = \(initiativeID)::uuid
            ORDER BY ign.created_at, n.id
            """
        ]) { try $0[0].decodeAll(GoalNodeRecord.init(row:)) }
    }
}
