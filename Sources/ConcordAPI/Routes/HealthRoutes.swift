import Hummingbird
import PQ

/// Liveness (the process answers) and readiness (the database answers), for load balancers and systemd.
struct HealthRoutes {
    let pool: ConnectionPool

    struct Status: ResponseEncodable {
        let status: String
    }

    func register(on router: Router<ConcordRequestContext>) {
        router.get("healthz") { _, _ in Status(status: "ok") }
        router.get("readyz") { _, _ -> Status in
            do {
                _ = try await pool.withConnection { try await $0.query("SELECT 1") }
                return Status(status: "ready")
            } catch {
                throw Problem(
                    .serviceUnavailable, type: "unavailable", title: "Not ready",
                    detail: "the database is not reachable")
            }
        }
    }
}
