// swift-tools-version: 6.0
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
        // The pure core: model, rule semantics, parsing from text, diagnostics. No I/O, no clock.
        .target(
            name: "TicklerCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                // HMAC-SHA256 for webhook signatures (Standard Webhooks, DingTalk, Feishu)
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Reading configuration, contact and template files from disk for the core.
        .target(
            name: "TicklerFiles",
            dependencies: ["TicklerCore"]
        ),
        // The state store: events, first-seen times, the outbox and delivery history, in SQLite through GRDB.
        .target(
            name: "TicklerStore",
            dependencies: [
                "TicklerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The daemon: Dispatch timers, signals, file watching and reload, the outbox loop.
        .target(
            name: "TicklerDaemon",
            dependencies: [
                "CMalloc", "TicklerCore", "TicklerFiles", "TicklerStore", "TicklerDelivery",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "tickler",
            dependencies: [
                "CMalloc",
                "TicklerCore",
                "TicklerFiles",
                "TicklerStore",
                "TicklerDelivery",
                "TicklerDaemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Delivery over libcurl (SMTP; webhooks) and the file channel, with one failure classification.
        .target(
            name: "TicklerDelivery",
            dependencies: ["CCurl", "TicklerCore"]
        ),
        // Throughput benchmarks of the delivery paths (bench/delivery.sh); not installed.
        .executableTarget(
            name: "tickler-bench",
            dependencies: ["TicklerCore", "TicklerDelivery"]
        ),
        .target(
            name: "TicklerTestSupport",
            dependencies: ["TicklerCore"]
        ),
        .testTarget(
            name: "CCurlTests",
            dependencies: ["CCurl"]
        ),
        .testTarget(
            name: "TicklerCoreTests",
            dependencies: ["TicklerCore", "TicklerTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TicklerFilesTests",
            dependencies: ["TicklerFiles", "TicklerCore", "TicklerTestSupport"]
        ),
        .testTarget(
            name: "TicklerStoreTests",
            dependencies: [
                "TicklerStore", "TicklerCore", "TicklerTestSupport",
                // to look at the file directly: journal mode, schema, migrations
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "TicklerDeliveryTests",
            dependencies: ["TicklerDelivery", "TicklerCore", "TicklerTestSupport", "CCurl"]
        ),
        .testTarget(
            name: "TicklerCLITests",
            // TicklerStore: to record deliveries in a test's state file, as the daemon would
            dependencies: ["TicklerTestSupport", "TicklerStore"],
            exclude: ["Corpus"]
        ),
        .testTarget(
            name: "TicklerDaemonTests",
            // runs the built `tickler run` against aiosmtpd, an HTTP receiver and real SQLite files;
            // TicklerStore and TicklerCore to read the state store and derive keys as the daemon does
            dependencies: ["TicklerTestSupport", "TicklerStore", "TicklerCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
