import Foundation

/// A layered layout of a DAG: each node sits one layer below its deepest parent (the longest path from a
/// root), so every link points down a layer or more; within a layer, nodes are ordered by where their
/// parents sit (barycentre) to keep links from crossing where that is easy.
struct GoalTreeLayout {
    /// Node ids by layer, top (roots) first.
    let layers: [[UUID]]

    /// `parents` maps each node to its parents; `order` is the stable order to break ties with.
    init(order: [UUID], parents: [UUID: [UUID]]) {
        let known = Set(order)
        var depth: [UUID: Int] = [:]
        func depthOf(_ id: UUID, visiting: inout Set<UUID>) -> Int {
            if let known = depth[id] { return known }
            // A cycle cannot be stored; should one appear, cut it here rather than recurse forever.
            guard visiting.insert(id).inserted else { return 0 }
            let value =
                (parents[id] ?? []).filter(known.contains).map { depthOf($0, visiting: &visiting) + 1 }.max() ?? 0
            visiting.remove(id)
            depth[id] = value
            return value
        }
        var visiting: Set<UUID> = []
        for id in order { _ = depthOf(id, visiting: &visiting) }
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var layers = Array(repeating: [UUID](), count: (depth.values.max() ?? -1) + 1)
        for id in order { layers[depth[id]!].append(id) }
        var position: [UUID: Double] = [:]
        for index in layers.indices {
            if index > 0 {
                layers[index].sort { lhs, rhs in
                    let (left, right) = (
                        Self.barycentre(lhs, parents, position), Self.barycentre(rhs, parents, position)
                    )
                    return left != right ? left < right : rank[lhs]! < rank[rhs]!
                }
            }
            for (slot, id) in layers[index].enumerated() { position[id] = Double(slot) }
        }
        self.layers = layers
    }

    private static func barycentre(_ id: UUID, _ parents: [UUID: [UUID]], _ position: [UUID: Double]) -> Double {
        let placed = (parents[id] ?? []).compactMap { position[$0] }
        return placed.isEmpty ? .infinity : placed.reduce(0, +) / Double(placed.count)
    }
}
