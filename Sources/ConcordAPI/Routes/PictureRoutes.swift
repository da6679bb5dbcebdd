import ConcordPictures
import ConcordStore
import Foundation
import HTTPTypes
import Hummingbird

/// `.svg` variants of two reads, for sponsors and for embedding in reports: a Goal Tree with its rolled-up
/// status, and an initiative's alignment as a heat strip. Same key, scope and tenancy as the JSON reads.
struct PictureRoutes {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("orgs/:org/goal-trees/{tree}.svg") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "tree", entity: "goal tree")
            let (snapshot, leaders) = try await dependencies.store.read(
                scope, StoreRead.zip(Reads.goalTree(id), Reads.goalTreeLeaderNames(id)))
            guard let snapshot else { throw Problem.notFound("goal tree \(id)") }
            let picture = GoalTreePicture(
                title: snapshot.tree.name,
                nodes: snapshot.nodes.map { node in
                    GoalTreePicture.Node(
                        id: node.node.id, title: node.node.title, kind: node.node.kind, status: node.rolledUpStatus,
                        confidence: node.rolledUpConfidence,
                        leader: node.node.accountableLeaderID.flatMap { leaders[$0] },
                        parentIDs: node.parentIDs)
                })
            return Self.svg(picture.svg(), version: snapshot.tree.version)
        }
        group.get("orgs/:org/initiatives/:id/alignment.svg") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "initiative")
            guard let detail = try await dependencies.store.read(scope, Reads.initiativeDetail(id, now: Date())) else {
                throw Problem.notFound("initiative \(id)")
            }
            let stale = Set(detail.alignment.stale)
            let strip = AlignmentStrip(
                title: detail.initiative.title, importance: detail.initiative.importance,
                leaders: detail.requiredLeaders.map { leader in
                    AlignmentStrip.Leader(
                        id: leader.leaderID, name: leader.name, priority: leader.latestRating?.priority,
                        buyIn: leader.latestRating?.buyIn, stale: stale.contains(leader.leaderID))
                })
            return Self.svg(strip.svg(), version: nil)
        }
    }

    /// No script can run in a picture opened on its own (it has none; the policy makes sure).
    static func svg(_ text: String, version: Int?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "image/svg+xml; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        if let version { headers[.eTag] = "\"\(version)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
