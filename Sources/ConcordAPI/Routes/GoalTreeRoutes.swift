import ConcordDomain
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/goal-trees`: Goal Trees (Dettmer's Intermediate Objectives maps). A whole tree, with
/// each node's rolled-up status and confidence, comes back from one request.
struct GoalTreeRoutes {
    let dependencies: APIDependencies

    struct NewTree: Decodable {
        let name: String
        let description: String?
        let goal: GoalNodeFields
    }

    struct TreeChanges: Codable {
        var name: String
        var description: String
    }

    struct NewNode: Decodable {
        let node: GoalNodeFields
        let parentIDs: [UUID]
    }

    struct Link: Decodable {
        let parentID: UUID
    }

    struct Move: Decodable {
        let fromParentID: UUID
        let toParentID: UUID
    }

    struct CreatedTree: Encodable {
        let tree: GoalTreeRecord
        let goal: GoalNodeRecord
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        let trees = group.group("orgs/:org/goal-trees")
        trees.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.goalTrees(
                    includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false,
                    page: try RouteSupport.page(request)))
            return try RouteSupport.json(page)
        }
        trees.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewTree.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let created = try await tx.createGoalTree(
                    name: new.name, description: new.description ?? "", goal: new.goal)
                return Created(
                    body: CreatedTree(tree: created.tree, goal: created.goal),
                    location: "/v1/orgs/\(scope.orgID)/goal-trees/\(created.tree.id)", version: created.tree.version)
            }
        }
        trees.get(":tree") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "tree", entity: "goal tree")
            guard let snapshot = try await dependencies.store.read(scope, Reads.goalTree(id)) else {
                throw Problem.notFound("goal tree \(id)")
            }
            return try RouteSupport.json(snapshot, version: snapshot.tree.version)
        }
        trees.patch(":tree") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "tree", entity: "goal tree")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let tree = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.goalTree(id)) else {
                    throw Problem.notFound("goal tree \(id)")
                }
                let changes = try MergePatch.apply(
                    Data(buffer: body), to: TreeChanges(name: current.tree.name, description: current.tree.description))
                return try await tx.updateGoalTree(
                    id, name: changes.name, description: changes.description, expectedVersion: version)
            }
            return try RouteSupport.json(tree, version: tree.version)
        }
        trees.delete(":tree") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "tree", entity: "goal tree")
            let version = try RouteSupport.expectedVersion(request)
            let tree = try await dependencies.store.write(scope) { tx in
                try await tx.archiveGoalTree(id, expectedVersion: version)
            }
            return try RouteSupport.json(tree, version: tree.version)
        }
        registerNodes(on: trees)
    }

    private func registerNodes(on trees: RouterGroup<ConcordRequestContext>) {
        trees.post(":tree/nodes") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let body = try await RouteSupport.body(request, context: context)
            let new = try RouteSupport.decode(NewNode.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let node = try await tx.addGoalNode(to: treeID, new.node, under: new.parentIDs)
                return Created(
                    body: node, location: "/v1/orgs/\(scope.orgID)/goal-trees/\(treeID)/nodes/\(node.id)",
                    version: node.version)
            }
        }
        trees.patch(":tree/nodes/:node") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let node = try await dependencies.store.write(scope) { tx in
                guard let tree = try await tx.run(Reads.goalTree(treeID)),
                    let current = tree.nodes.first(where: { $0.node.id == nodeID })
                else { throw Problem.notFound("goal node \(nodeID)") }
                let fields = try MergePatch.apply(Data(buffer: body), to: GoalNodeFields(current.node))
                return try await tx.updateGoalNode(nodeID, expectedVersion: version, fields)
            }
            return try RouteSupport.json(node, version: node.version)
        }
        trees.delete(":tree/nodes/:node") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.deleteGoalNode(nodeID)
            }
            return Response(status: .noContent)
        }
        // "In order to have <parent> we must have <node>": a link; a cycle is refused with 422.
        trees.post(":tree/nodes/:node/parents") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let link = try RouteSupport.decode(Link.self, from: try await RouteSupport.body(request, context: context))
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.linkGoalNodes(parent: link.parentID, child: nodeID)
            }
            return Response(status: .noContent)
        }
        trees.delete(":tree/nodes/:node/parents/:parent") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let parentID = try RouteSupport.id(context, "parent", entity: "goal node")
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.unlinkGoalNodes(parent: parentID, child: nodeID)
            }
            return Response(status: .noContent)
        }
        trees.post(":tree/nodes/:node/move") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let move = try RouteSupport.decode(Move.self, from: try await RouteSupport.body(request, context: context))
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.moveGoalNode(nodeID, from: move.fromParentID, to: move.toParentID)
            }
            return Response(status: .noContent)
        }
        trees.put(":tree/nodes/:node/initiatives/:initiative") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let initiativeID = try RouteSupport.id(context, "initiative", entity: "initiative")
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.linkInitiative(initiativeID, toGoalNode: nodeID)
            }
            return Response(status: .noContent)
        }
        trees.delete(":tree/nodes/:node/initiatives/:initiative") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let treeID = try RouteSupport.id(context, "tree", entity: "goal tree")
            let nodeID = try RouteSupport.id(context, "node", entity: "goal node")
            let initiativeID = try RouteSupport.id(context, "initiative", entity: "initiative")
            try await dependencies.store.write(scope) { tx in
                try await tx.requireGoalNode(nodeID, inTree: treeID)
                try await tx.unlinkInitiative(initiativeID, fromGoalNode: nodeID)
            }
            return Response(status: .noContent)
        }
    }
}
