import ConcordDomain
import ConcordQueue
import ConcordStore
import Foundation
import Hummingbird

/// `/v1/orgs/{org}/programmes`: leadership L&D programmes, their costs, participants, impact measures and
/// intangibles, and their ROI figures; `/v1/orgs/{org}/programme-roi`: the latest figures of every programme.
///
/// Money and every other decimal travel in JSON as strings ("1234.50") so nothing rounds them through a
/// binary floating-point number; JSON numbers are accepted on input too. Figures are unrounded.
struct ProgrammeRoutes {
    let dependencies: APIDependencies

    /// What `GET .../programmes/{id}/roi` answers.
    struct ROIView: Encodable {
        /// The latest stored snapshot; when none exists yet, the figures computed now by the domain (its `id`
        /// is then null).
        let latest: ROISnapshot
        /// False when the inputs changed after `latest` was computed: a recomputation is queued.
        let upToDate: Bool
        /// Stored snapshots, newest first.
        let history: [ROISnapshot]
    }

    struct Items<Item: Encodable>: Encodable {
        let items: [Item]
    }

    func register(on group: RouterGroup<ConcordRequestContext>) {
        group.get("orgs/:org/programme-roi") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let includeArchived = try RouteSupport.boolQuery(request, "include_archived") ?? false
            let latest = try await dependencies.store.read(scope, Reads.latestROI(includeArchived: includeArchived))
            return try RouteSupport.json(Items(items: latest))
        }

        let programmes = group.group("orgs/:org/programmes")
        programmes.get { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let page = try await dependencies.store.read(
                scope,
                Reads.programmes(
                    includeArchived: try RouteSupport.boolQuery(request, "include_archived") ?? false,
                    page: try RouteSupport.page(request)))
            return try RouteSupport.json(page)
        }
        programmes.post { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let body = try await RouteSupport.body(request, context: context)
            let fields = try RouteSupport.decode(ProgrammeFields.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let programme = try await tx.createProgramme(fields)
                try await markForRecompute(tx)
                return Created(
                    body: programme, location: "/v1/orgs/\(scope.orgID)/programmes/\(programme.id)",
                    version: programme.version)
            }
        }
        // The programme with everything hanging off it, in one round trip.
        programmes.get(":id") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "programme")
            guard let inputs = try await dependencies.store.read(scope, Reads.programmeInputs(id)) else {
                throw Problem.notFound("programme \(id)")
            }
            return try RouteSupport.json(inputs, version: inputs.programme.version)
        }
        programmes.patch(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "programme")
            let version = try RouteSupport.expectedVersion(request)
            let body = try await RouteSupport.body(request, context: context)
            let programme = try await dependencies.store.write(scope) { tx in
                guard let current = try await tx.run(Reads.programme(id)) else {
                    throw Problem.notFound("programme \(id)")
                }
                let fields = try MergePatch.apply(Data(buffer: body), to: ProgrammeFields(current))
                let updated = try await tx.updateProgramme(id, expectedVersion: version, fields)
                if updated.inputsVersion != current.inputsVersion { try await markForRecompute(tx) }
                return updated
            }
            return try RouteSupport.json(programme, version: programme.version)
        }
        programmes.delete(":id") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let id = try RouteSupport.id(context, "id", entity: "programme")
            let version = try RouteSupport.expectedVersion(request)
            let programme = try await dependencies.store.write(scope) { tx in
                try await tx.archiveProgramme(id, expectedVersion: version)
            }
            return try RouteSupport.json(programme, version: programme.version)
        }
        programmes.get(":id/roi") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let id = try RouteSupport.id(context, "id", entity: "programme")
            let (inputs, history) = try await dependencies.store.read(
                scope, StoreRead.zip(Reads.programmeInputs(id), Reads.roiHistory(of: id)))
            guard let inputs else { throw Problem.notFound("programme \(id)") }
            let latest = history.first ?? ROISnapshot(computing: inputs)
            return try RouteSupport.json(
                ROIView(
                    latest: latest, upToDate: latest.inputsVersion == inputs.programme.inputsVersion,
                    history: history))
        }

        items(
            programmes, path: "costs", kind: .cost, fields: CostFields.self, list: \.costs, recompute: true,
            add: { tx, programme, fields in try await tx.addCost(to: programme, fields) })
        items(
            programmes, path: "participants", kind: .participant, fields: ParticipantFields.self,
            list: \.participants, recompute: true,
            add: { tx, programme, fields in try await tx.addParticipant(to: programme, fields) })
        items(
            programmes, path: "measures", kind: .measure, fields: MeasureFields.self, list: \.measures,
            recompute: true, add: { tx, programme, fields in try await tx.addMeasure(to: programme, fields) })
        // Intangibles never enter the figures, so they mark nothing for recomputation.
        items(
            programmes, path: "intangibles", kind: .intangible, fields: IntangibleFields.self, list: \.intangibles,
            recompute: false, add: { tx, programme, fields in try await tx.addIntangible(to: programme, fields) })
    }

    /// POST (add), GET (list) and DELETE (remove one) for one kind of item of a programme.
    private func items<Fields: Decodable & Sendable, Item: Codable & Sendable & Identifiable>(
        _ programmes: RouterGroup<ConcordRequestContext>, path: String, kind: ProgrammeItemKind,
        fields _: Fields.Type, list: KeyPath<ProgrammeInputs, [Item]> & Sendable, recompute: Bool,
        add: @escaping @Sendable (TenantTransaction, UUID, Fields) async throws -> Item
    ) where Item.ID == UUID {
        programmes.post(":id/\(path)") { request, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let programmeID = try RouteSupport.id(context, "id", entity: "programme")
            let body = try await RouteSupport.body(request, context: context)
            let fields = try RouteSupport.decode(Fields.self, from: body)
            return try await dependencies.create(request, context: context, scope: scope, requestBody: body) { tx in
                let item = try await add(tx, programmeID, fields)
                if recompute { try await markForRecompute(tx) }
                return Created(
                    body: item, location: "/v1/orgs/\(scope.orgID)/programmes/\(programmeID)/\(path)/\(item.id)",
                    version: nil)
            }
        }
        programmes.get(":id/\(path)") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .read)
            let programmeID = try RouteSupport.id(context, "id", entity: "programme")
            guard let inputs = try await dependencies.store.read(scope, Reads.programmeInputs(programmeID)) else {
                throw Problem.notFound("programme \(programmeID)")
            }
            return try RouteSupport.json(Items(items: inputs[keyPath: list]))
        }
        programmes.delete(":id/\(path)/:item") { _, context -> Response in
            let scope = try await dependencies.scope(context, require: .write)
            let programmeID = try RouteSupport.id(context, "id", entity: "programme")
            let itemID = try RouteSupport.id(context, "item", entity: kind.rawValue)
            try await dependencies.store.write(scope) { tx in
                try await tx.removeProgrammeItem(kind, id: itemID, of: programmeID)
                if recompute { try await markForRecompute(tx) }
            }
            return Response(status: .noContent)
        }
    }

    /// Queues the recomputation of this organisation's figures in the write's own transaction: one job per
    /// organisation and minute, run just after the minute ends (`ROIRecomputeJob`).
    private func markForRecompute(_ tx: TenantTransaction) async throws {
        let now = Date()
        try await dependencies.queue.enqueue(
            NewJob(
                kind: ROIRecomputeJob.kind, args: ROIRecomputeJob.Args(orgID: tx.orgID), organisationID: tx.orgID,
                runAt: ROIRecomputeJob.runAt(after: now), uniqueKey: ROIRecomputeJob.uniqueKey(orgID: tx.orgID, at: now)
            ),
            in: tx.transaction)
    }
}
