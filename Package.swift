// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Tickler",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tickler", targets: ["tickler"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // the HTTP server of `tickler run` (without its swift-configuration support, which it does not need)
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // hummingbird's own dependencies, named for the types the server uses directly
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // the PostgreSQL store of several replicas: its client, connection pool, LISTEN/NOTIFY and COPY
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libcurl (headers from libcurl4-openssl-dev), opened with dlopen on first use rather than
        // linked, with typed wrappers over its variadic setopt and getinfo, which Swift cannot call.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // glibc's malloc.h (malloc_trim), for the daemon to return memory freed after loading.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // The pure core: the model, calendar arithmetic, zone rules as values, the schedule, the retry
        // and catch-up policy. No file, environment or clock reads, no global state, no threads.
        .target(name: "TicklerCore"),
        // Configuration, contacts, events and templates from bytes into the model, with diagnostics;
        // the workspace loader over the `SourceReader` seam.
        .target(
            name: "TicklerInput",
            dependencies: [
                "TicklerCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // What is sent: template rendering, MIME composition, webhook payloads and signatures.
        .target(
            name: "TicklerMessages",
            dependencies: [
                "TicklerCore", "TicklerInput",
                .product(name: "Mustache", package: "swift-mustache"),
                // HMAC-SHA256 for webhook signatures (Standard Webhooks, DingTalk, Feishu)
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The table, JSON and iCalendar writers of `upcoming`, `status` and `history`.
        .target(
            name: "TicklerReports",
            dependencies: ["TicklerCore", "TicklerInput", "TicklerStore"]
        ),
        // The file system and the zone database: the `SourceReader` and `ZoneDatabase` the input reads through.
        .target(
            name: "TicklerFiles",
            dependencies: ["TicklerCore", "TicklerInput"]
        ),
        // The state store: events, first-seen times, the outbox and delivery history, in SQLite through GRDB.
        .target(
            name: "TicklerStore",
            dependencies: [
                "TicklerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for the statements an import runs once per event
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // The PostgreSQL store, for several replicas: the same `StateStore` over postgres-nio, with
        // claims and leases, heartbeats and event notifications.
        .target(
            name: "TicklerPostgres",
            dependencies: [
                "TicklerCore", "TicklerStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The daemon: Dispatch timers, signals, file watching and reload, the outbox loop.
        .target(
            name: "TicklerDaemon",
            dependencies: [
                "CMalloc", "TicklerCore", "TicklerInput", "TicklerMessages", "TicklerFiles", "TicklerStore",
                "TicklerDelivery",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // the configuration's digest each replica reports
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The HTTP service: events from a CRM, the reports as JSON and iCalendar, metrics, the status
        // page and unsubscribe links, over hummingbird.
        .target(
            name: "TicklerHTTP",
            dependencies: [
                "TicklerCore", "TicklerInput", "TicklerReports", "TicklerStore", "TicklerFiles", "TicklerDaemon",
                "TicklerMessages",
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "tickler",
            dependencies: [
                "CMalloc",
                "TicklerCore",
                "TicklerInput",
                "TicklerMessages",
                "TicklerReports",
                "TicklerFiles",
                "TicklerStore",
                "TicklerDelivery",
                "TicklerDaemon",
                "TicklerHTTP",
                "TicklerPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Delivery over libcurl (SMTP; webhooks) and the file channel, with one failure classification.
        .target(
            name: "TicklerDelivery",
            dependencies: ["CCurl", "TicklerCore", "TicklerMessages", "TicklerFiles"]
        ),
        // Throughput benchmarks of the delivery paths (bench/delivery.sh); not installed.
        .executableTarget(
            name: "tickler-bench",
            dependencies: ["TicklerCore", "TicklerMessages", "TicklerDelivery"]
        ),
        .target(
            name: "TicklerTestSupport",
            dependencies: ["TicklerCore", "TicklerInput", "TicklerMessages", "TicklerFiles"]
        ),
        .testTarget(
            name: "CCurlTests",
            dependencies: ["CCurl"]
        ),
        .testTarget(
            name: "TicklerCoreTests",
            // TicklerStore: the outbox status the status page shows
            dependencies: [
                "TicklerCore", "TicklerInput", "TicklerMessages", "TicklerReports", "TicklerFiles", "TicklerStore",
                "TicklerTestSupport",
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TicklerFilesTests",
            dependencies: ["TicklerFiles", "TicklerCore", "TicklerInput", "TicklerTestSupport"]
        ),
        .testTarget(
            name: "TicklerStoreTests",
            dependencies: [
                "TicklerStore", "TicklerCore", "TicklerTestSupport", "TicklerPostgres", "TicklerDaemon",
                // to look at the file directly: journal mode, schema, migrations
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TicklerDeliveryTests",
            dependencies: ["TicklerDelivery", "TicklerCore", "TicklerMessages", "TicklerTestSupport", "CCurl"]
        ),
        .testTarget(
            name: "TicklerCLITests",
            // TicklerStore: to record deliveries in a test's state file, as the daemon would
            dependencies: ["TicklerTestSupport", "TicklerStore", "TicklerPostgres", "TicklerDaemon"],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "TicklerHTTPTests",
            dependencies: [
                "TicklerHTTP", "TicklerCore", "TicklerMessages", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "TicklerPostgresTests",
            // what the PostgreSQL store reads from the configuration and the environment (the store itself
            // is tested with SQLite's by TicklerStoreTests, against a private cluster)
            dependencies: ["TicklerPostgres", "TicklerStore", "TicklerTestSupport"]
        ),
        .testTarget(
            name: "TicklerDaemonTests",
            // runs the built `tickler run` against aiosmtpd, an HTTP receiver and real SQLite files;
            // TicklerStore and TicklerCore to read the state store and derive keys as the daemon does;
            // and the daemon's timing in-process, on a clock moved by hand (TicklerDaemon and its seams)
            dependencies: [
                "TicklerTestSupport", "TicklerStore", "TicklerCore", "TicklerMessages", "TicklerInput", "TicklerFiles",
                "TicklerDelivery", "TicklerDaemon", "TicklerPostgres", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
