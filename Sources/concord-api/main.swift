import ConcordAPI
import Foundation
import Logging
import Metrics
import PQ
import Prometheus

// concord-api: reads its settings, opens the pool, serves until SIGTERM or SIGINT (graceful shutdown).
LoggingSystem.bootstrap(StreamLogHandler.standardError)
MetricsSystem.bootstrap(PrometheusMetricsFactory())
var logger = Logger(label: "concord-api")
logger.logLevel = .info

let environment: APIEnvironment
do {
    environment = try await APIEnvironment.load()
} catch {
    FileHandle.standardError.write(Data("concord-api: bad configuration: \(error)\n".utf8))
    exit(2)
}
let pool = ConnectionPool(PoolConfiguration(conninfo: environment.databaseURL, maxConnections: environment.poolSize))
let app = APIServer.application(configuration: environment.configuration, pool: pool, logger: logger)
try await app.runService()
await pool.close()
