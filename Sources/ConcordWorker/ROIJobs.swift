import ConcordQueue
import ConcordStore
import Foundation

/// Registers `ld.compute_roi` (`ROIRecomputeJob`): for the organisation in its arguments, or every active
/// one, it inserts ROI snapshots in one set-based statement per organisation (`app.ld_compute_roi`), for the
/// programmes whose inputs changed since their last snapshot, or for all of them with `recompute_all`.
///
/// `store` must connect as the worker's role (`concord_worker`), the one allowed to write snapshots.
public func registerROIJobs(in registry: inout JobRegistry, store: Store) {
    registry.register(kind: ROIRecomputeJob.kind, args: ROIRecomputeJob.Args.self) { args, _ in
        let organisations: [UUID]
        if let orgID = args.orgID {
            organisations = [orgID]
        } else {
            organisations = try await store.activeOrganisationIDs()
        }
        for orgID in organisations {
            try Task.checkCancellation()
            try await store.write(TenantScope(orgID: orgID, actor: "worker:\(ROIRecomputeJob.kind)")) { tx in
                try await tx.computeROI(recomputeAll: args.recomputeAll)
            }
        }
    }
}
