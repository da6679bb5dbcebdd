import Foundation
import PQ

extension Reads {
    /// The names of the leaders accountable for a Goal Tree's nodes, by id (for pictures of the tree).
    public static func goalTreeLeaderNames(_ treeID: UUID) -> StoreRead<[UUID: String]> {
        StoreRead([
            """
            SELECT l.id, l.name FROM leaders AS l
            WHERE l.org_id = app.current_org()
              AND l.id IN (SELECT n.accountable_leader_id FROM goal_nodes AS n
                           WHERE n.org_id = app.current_org() AND n.tree_id = \(treeID)::uuid)
            """
        ]) { results in
            Dictionary(uniqueKeysWithValues: try results[0].map { try $0.decode((UUID, String).self) })
        }
    }
}
