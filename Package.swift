// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Concord",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "concord", targets: ["concord"]),
        .library(name: "PQ", targets: ["PQ"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // The C library, reached through pkg-config (Debian: libpq-dev).
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // The only module that calls libpq; knows nothing of Concord's domain.
        .target(
            name: "PQ",
            dependencies: ["CLibPQ", "CCPUAffinity", "UUIDText", .product(name: "Logging", package: "swift-log")],
            // Async functions run on their caller's executor: a statement passes through a dozen of them,
            // and a hop check at each entry (a lock when the task prefers an executor) cost a tenth of the
            // client's CPU per read.
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
        ),
        // Thread-to-CPU binding and a socket's input CPU, the glibc calls Swift's Glibc module leaves out.
        .target(name: "CCPUAffinity"),
        // A throwaway PostgreSQL cluster for local runs and tests.
        .target(name: "LocalPostgres"),
        // Numbered SQL migrations applied under an advisory lock.
        .target(name: "Migrations", dependencies: ["PQ"]),
        // Domain rules and math: no SQL, no HTTP, no I/O.
        // Calendar arithmetic on day counts, shared by the domain, the JSON writer and the log line.
        .target(name: "CivilCalendar"),
        // A UUID's text made and read by table, without C's printf and scanf.
        .target(name: "UUIDText"),
        .target(name: "ConcordDomain", dependencies: ["CivilCalendar"]),
        // Where a tenant's webhook may lead: resolve its host and hold it to the operator's allow-list.
        .target(name: "WebhookGuard", dependencies: ["ConcordDomain", "ConcordSettings"]),
        // Goal trees and alignment drawn as SVG text: layout and XML only, no I/O.
        .target(name: "ConcordPictures", dependencies: ["ConcordDomain"]),
        // Encodable values straight to JSON bytes, parsing the same as Foundation's JSONEncoder output.
        .target(name: "DirectJSON", dependencies: ["CivilCalendar", "UUIDText"]),
        // RFC 4180 CSV as spreadsheets write it, with the line each record starts on.
        .target(name: "CSVFormat"),
        // The SQL of each aggregate, always inside a tenant-scoped transaction.
        .target(
            name: "ConcordStore",
            dependencies: [
                "PQ", "ConcordDomain", "CSVFormat", "DirectJSON", "UUIDText",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Settings from the environment, secret files and a config file, refused with the variable's name when bad.
        .target(
            name: "ConcordSettings", dependencies: [.product(name: "Configuration", package: "swift-configuration")]
        ),
        // How the processes log: text or one JSON object per line (CONCORD_LOG_FORMAT).
        .target(
            name: "ConcordLogging",
            dependencies: ["ConcordSettings", "CivilCalendar", .product(name: "Logging", package: "swift-log")]
        ),
        // A PostgreSQL job queue: claim with SKIP LOCKED, LISTEN/NOTIFY wake-ups, retries, rescue, periodic jobs.
        .target(
            name: "ConcordQueue",
            dependencies: [
                "PQ", "ConcordDomain",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The HTTP API as a library; `concord-api` only starts it.
        .target(
            name: "ConcordAPI",
            dependencies: [
                "PQ", "ConcordDomain", "ConcordStore", "ConcordQueue", "ConcordSettings", "ConcordPictures",
                "WebhookGuard", "DirectJSON", "UUIDText",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // The OpenAPI document, served at /openapi.json and kept true by the API tests; the answer page's
            // templates and style sheet.
            resources: [.copy("OpenAPI/openapi.json"), .copy("Pages/Templates")]
        ),
        // The worker as a library: nudge planning and delivery on the queue; `concord-worker` only starts it.
        .target(
            name: "ConcordWorker",
            dependencies: [
                "PQ", "ConcordDomain", "ConcordStore", "ConcordQueue", "ConcordSettings", "WebhookGuard",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "concord-api",
            dependencies: [
                "ConcordAPI", "ConcordLogging", .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(name: "concord-worker", dependencies: ["ConcordWorker", "ConcordLogging"]),
        // Benchmarks, run by the scripts in Benchmarks/ in release mode.
        .executableTarget(
            name: "pq-benchmark", dependencies: ["PQ"], path: "Benchmarks/PQBenchmark",
            swiftSettings: [.enableUpcomingFeature("NonisolatedNonsendingByDefault")]
        ),
        .executableTarget(
            name: "queue-benchmark",
            dependencies: [
                "ConcordQueue", "PQ", "LocalPostgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/QueueBenchmark"
        ),
        .target(
            name: "ConcordCLI",
            dependencies: [
                "PQ", "LocalPostgres", "Migrations", "ConcordStore", "ConcordQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "concord",
            dependencies: ["ConcordCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Shared by the test targets: one local cluster per test process, a fresh database per suite.
        .target(name: "ConcordTestSupport", dependencies: ["PQ", "LocalPostgres", "Migrations"]),
        .testTarget(name: "PQTests", dependencies: ["PQ", "LocalPostgres", "ConcordTestSupport", "UUIDText"]),
        .testTarget(name: "DomainTests", dependencies: ["ConcordDomain"]),
        .testTarget(name: "PictureTests", dependencies: ["ConcordPictures", "ConcordDomain"]),
        .testTarget(name: "StoreTests", dependencies: ["ConcordStore", "CSVFormat", "ConcordTestSupport"]),
        .testTarget(name: "QueueTests", dependencies: ["ConcordQueue", "ConcordTestSupport", "ConcordLogging"]),
        .testTarget(
            name: "APITests",
            dependencies: [
                "ConcordAPI", "ConcordStore", "ConcordTestSupport", "ConcordLogging", "LocalPostgres", "Migrations",
                "DirectJSON",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "WorkerTests",
            dependencies: [
                "ConcordWorker", "ConcordTestSupport", "ConcordLogging", "ConcordAPI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "SettingsTests", dependencies: ["ConcordSettings"]),
    ],
    swiftLanguageModes: [.v6]
)
