import ConcordAPI
import ConcordLogging
import ConcordSettings
import Foundation
import Logging
import Metrics
import PQ
import Prometheus

// concord-api: reads its settings, opens the pool, serves until SIGTERM or SIGINT (graceful shutdown).
let environment: APIEnvironment
let logging: LogSettings
do {
    let settings = try await Settings.load()
    environment = try APIEnvironment(settings)
    logging = try LogSettings(settings)
} catch {
    FileHandle.standardError.write(Data("concord-api: bad configuration: \(error)\n".utf8))
    exit(2)
}
logging.bootstrap()
MetricsSystem.bootstrap(PrometheusMetricsFactory())
let logger = Logger(label: "concord-api")
let pool = ConnectionPool(PoolConfiguration(conninfo: environment.databaseURL, maxConnections: environment.poolSize))
let app = APIServer.application(configuration: environment.configuration, pool: pool, logger: logger)
try await app.runService()
await pool.close()
