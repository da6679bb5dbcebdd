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
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")]
        ),
        // A throwaway PostgreSQL cluster for local runs and tests.
        .target(name: "LocalPostgres"),
        // Numbered SQL migrations applied under an advisory lock.
        .target(name: "Migrations", dependencies: ["PQ"]),
        // Domain rules and math: no SQL, no HTTP, no I/O.
        .target(name: "ConcordDomain"),
        // The SQL of each aggregate, always inside a tenant-scoped transaction.
        .target(name: "ConcordStore", dependencies: ["PQ", "ConcordDomain"]),
        .target(
            name: "ConcordCLI",
            dependencies: [
                "PQ", "LocalPostgres", "Migrations", "ConcordStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "concord", dependencies: ["ConcordCLI"]),
        // Shared by the test targets: one local cluster per test process, a fresh database per suite.
        .target(name: "ConcordTestSupport", dependencies: ["PQ", "LocalPostgres", "Migrations"]),
        .testTarget(name: "PQTests", dependencies: ["PQ", "LocalPostgres", "ConcordTestSupport"]),
        .testTarget(name: "DomainTests", dependencies: ["ConcordDomain"]),
        .testTarget(name: "StoreTests", dependencies: ["ConcordStore", "ConcordTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
