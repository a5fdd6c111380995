import ArgumentParser
import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import TicklerCore
import TicklerDaemon
import TicklerHTTP
import TicklerStore

/// `tickler run`: the daemon, in the foreground.
///
/// The daemon runs as a service in a `ServiceGroup`, which shuts it down gracefully on SIGTERM or
/// SIGINT. The group's tasks run on a `SerialTaskExecutor` and the main thread is parked in
/// `dispatchMain()`: on Linux, the first task on the global executor starts libdispatch's
/// once-a-second check on its thread pools, and an idle daemon would wake every second for good.
/// The process exits here, the only place that ends it: 0 after a shutdown, 1 when it cannot start.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground: deliver every reminder when it falls due.",
        discussion: """
            Loads the configuration, contacts and templates (exit 1 on errors, as 'check' reports them), \
            opens the state store (created on first use), and keeps running: one timer armed at the next \
            due reminder, the outbox delivered with retries, files watched for changes. Logs go to stderr \
            as logfmt lines.

            Signals: SIGHUP reloads everything (a file with errors is rejected and the running \
            configuration stays); SIGTERM or SIGINT finish deliveries in flight (at most 10 s) and exit 0.

            Example:
              tickler run --config etc/tickler.yaml
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(
        help: ArgumentHelp(
            "The least important log level shown: debug, info, warning, error.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = LogfmtHandler(label: label)
            handler.logLevel = level
            return handler
        }
        var opening: StoreOpening?
        let workspace = try Session.workspace(options) { opening = StoreOpening(config: $0) }
        try Session.requireCurl(workspace)
        let (store, history) = try opening?.result() ?? (Session.store(workspace.config), nil)
        let logger = Logger(label: "tickler")
        let environment = ProcessInfo.processInfo.environment
        let daemon = Daemon(
            configuration: Daemon.Configuration(configPath: options.path, environment: environment),
            workspace: workspace, store: store, history: history, clock: Self.clock(for: store, logger: logger),
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: daemon)]
        let http = workspace.config.http
        let readiness = Readiness(parts: http == nil ? ["daemon"] : ["daemon", "http"], environment: environment)
        daemon.state.onLoad { _ in readiness.ready("daemon") }
        if let http {
            Self.raiseOpenFileLimit()
            do {
                let server = try HTTPService(
                    settings: http,
                    dependencies: HTTPService.Dependencies(
                        store: store, state: daemon.state, eventsRecorded: { daemon.eventsRecorded() },
                        environment: environment, listening: { _ in readiness.ready("http") }),
                    logger: logger)
                // Shut down in reverse order: the server stops taking requests first, then the daemon.
                services.append(.init(service: server))
            } catch {
                Output.printError("\(workspace.config.path): \(error.description)")
                throw ExitCode(1)
            }
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        Task(executorPreference: SerialTaskExecutor(label: "tickler.service")) {
            do {
                try await group.run()
                Foundation.exit(0)
            } catch {
                Foundation.exit(1)
            }
        }
        dispatchMain()
    }

    /// The wall clock; for a replica of a shared store, set to the database's clock, so that a
    /// replica whose own clock is off sends nothing early or late.
    private static func clock(for store: any StateStore, logger: Logger) -> WallClock {
        guard let shared = store as? any SharedStore else { return WallClock() }
        do throws(StoreError) {
            let offset = try shared.clockOffset()
            if abs(offset) >= 1 {
                logger.warning(
                    "this machine's clock is off from the database's; going by the database's",
                    metadata: ["offset_s": "\(String(format: "%.3f", offset))"])
            }
            return WallClock(offset: offset)
        } catch {
            logger.warning(
                "cannot read the database's clock; going by this machine's", metadata: ["error": "\(error.message)"])
            return WallClock()
        }
    }

    /// Each HTTP connection is a file descriptor: take the hard limit (systemd's default soft
    /// limit is 1,024).
    private static func raiseOpenFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}

/// The store opened, and its history read (``StoreHistory``), on a thread of its own while the
/// contacts load: a second start with a million contacts spends most of a second on each. Only a
/// store that exists is opened early (a PostgreSQL database always does), so that a workspace with
/// errors creates no SQLite file. Errors are reported when the result is taken, after the
/// workspace's; a history that cannot be read is left for the daemon to read (and report) itself.
private final class StoreOpening: @unchecked Sendable {
    private let done = DispatchGroup()
    private var store: Result<any StateStore, StoreError>?
    private var history: StoreHistory?

    init?(config: Config) {
        guard Session.storeExists(config) else { return nil }
        DispatchQueue(label: "tickler.store-opening").async(group: done) { [self] in
            store = Result { () throws(StoreError) in try Session.openStore(config) }
            if case .success(let opened) = store { history = try? StoreHistory.read(from: opened) }
        }
    }

    /// Waits for the opening; on failure reports it as `Session.store` does and throws the exit.
    func result() throws -> (any StateStore, StoreHistory?) {
        done.wait()
        switch store {
        case .success(let opened): return (opened, history)
        case .failure(let error): throw Session.report(error)
        case nil: preconditionFailure("the store's opening ended without a result")
        }
    }
}
