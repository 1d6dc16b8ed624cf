// swift-tools-version:6.0
// cme-tracker: no package dependencies, by the customer's decision (a small, auditable supply chain).
import PackageDescription

let package = Package(
    name: "cme-tracker",
    products: [
        .executable(name: "cme-tracker", targets: ["cme-tracker"]),
    ],
    targets: [
        // C: libpq through pkg-config, and the few Linux headers Glibc does not expose.
        .systemLibrary(name: "CLibpq", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSystem"),

        // What every layer with threads or logs shares: the logger, threads, the monotonic clock, digests.
        .target(name: "Runtime", dependencies: ["CSystem"]),

        // Transport and database clients.
        .target(name: "HTTP", dependencies: ["CSystem", "Runtime"]),
        .target(name: "Postgres", dependencies: ["CLibpq", "Runtime"]),

        // Domain, storage, use cases, API.
        .target(name: "CMEDomain"),
        .target(name: "CMEStore", dependencies: ["Postgres", "CMEDomain", "Runtime"]),
        .target(name: "CMEService", dependencies: ["CMEStore", "CMEDomain", "Runtime"]),
        .target(name: "CMEAPI", dependencies: ["HTTP", "CMEService"]),
        .executableTarget(name: "cme-tracker", dependencies: ["CMEAPI", "CMEService", "CMEStore", "CMEDomain", "Postgres", "HTTP", "Runtime"]),

        // Tests. Support finds (or starts) the private PostgreSQL cluster for the suites that need it.
        .target(name: "TestSupport", dependencies: ["Postgres", "HTTP", "Runtime"], path: "Tests/Support"),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "CSystem", "Runtime", "TestSupport"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "CMEDomainTests", dependencies: ["CMEDomain"]),
        .testTarget(name: "CMEStoreTests", dependencies: ["CMEStore", "Postgres", "TestSupport"]),
        // Runs the built executable as a user would (it must be built: `swift build --build-tests` does).
        .testTarget(name: "CLITests", dependencies: ["cme-tracker", "TestSupport", "Postgres"]),
        .testTarget(name: "CMEAPITests", dependencies: ["CMEAPI", "CMEService", "CMEStore", "HTTP", "Postgres", "Runtime", "TestSupport"]),
    ]
)
