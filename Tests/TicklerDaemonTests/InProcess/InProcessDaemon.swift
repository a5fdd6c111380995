import Dispatch
import Foundation
import Logging
import Synchronization
import TicklerCore
import TicklerDelivery
import TicklerFiles
import TicklerInput
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// A ``Daemon`` run in the test's process on a ``ManualClock``, over a ``DaemonWorkspace``'s files
/// and a real SQLite store: the daemon's timing without waiting for it.
///
///     let daemon = try await InProcessDaemon(workspace, now: start)
///     try await daemon.advance(to: start + 3_600)   // fires what is due, waits for its deliveries
final class InProcessDaemon {
    let clock: ManualClock
    let daemon: Daemon
    let store: SQLiteStore
    let log: LogRecorder
    private let running: Task<Void, any Error>

    /// Loads `workspace` and starts the daemon at `now`; returns once it has planned and armed its timer.
    init(
        _ workspace: DaemonWorkspace, now: Int64,
        transport: Daemon.TransportMaker? = nil
    ) async throws {
        let (loaded, diagnostics) = WorkspaceLoader.load(
            configPath: workspace.config, reader: FileSystemReader(), zones: systemZones)
        guard let loaded, !diagnostics.hasErrors else {
            throw DaemonWorkspace.Failure(description: "the workspace has errors: \(diagnostics.sorted)")
        }
        clock = ManualClock(now: now)
        store = try SQLiteStore.open(path: loaded.config.statePath)
        log = LogRecorder()
        var configuration = Daemon.Configuration(configPath: workspace.config, environment: [:])
        configuration.watchesForChanges = false
        let recorder = log
        let logger = Logger(label: "tickler") { _ in recorder }
        if let transport {
            daemon = Daemon(
                configuration: configuration, workspace: loaded, store: store, clock: clock, makeTransport: transport,
                logger: logger)
        } else {
            daemon = Daemon(configuration: configuration, workspace: loaded, store: store, clock: clock, logger: logger)
        }
        let daemon = daemon
        running = Task { try await daemon.run() }
        try await Poll.until("the daemon to start", timeout: .seconds(20)) { onQueue { $0.timer != nil } }
        try await settle()
    }

    /// Reads the daemon's state on its queue.
    func onQueue<T>(_ body: (Daemon) -> T) -> T {
        daemon.queue.sync { body(daemon) }
    }

    /// Waits until the daemon has nothing in flight and nothing queued.
    func settle() async throws {
        try await Poll.until("the daemon to settle", timeout: .seconds(20), interval: .milliseconds(2)) {
            onQueue { $0.inFlight.isEmpty && $0.ended.isEmpty }
        }
    }

    /// Moves the clock to `instant`, fires what falls due, and waits for the deliveries it starts.
    func advance(to instant: Int64) async throws {
        clock.advance(to: instant)
        try await settle()
    }

    /// Reloads the workspace's files, as SIGHUP would.
    func reload() async throws {
        onQueue { $0.reload() }
        try await settle()
    }

    /// Shuts the daemon down gracefully and waits for ``Daemon/run()`` to return.
    func stop() async throws {
        onQueue { $0.shutDown() }
        try await running.value
    }

    /// The outcomes of the outbox entry `key`'s attempts, oldest first, with when each was recorded.
    func attempts(of key: String) throws -> [HistoryEntry] {
        try store.history(limit: 1_000).filter { $0.key == key }.reversed()
    }
}

/// A swift-log handler that keeps every message, for tests to read.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.withLock { $0.append(([event.message.description] + fields).joined(separator: " ")) }
    }

    /// The messages logged so far that contain `text`.
    func lines(containing text: String) -> [String] {
        lines.withLock { $0.filter { $0.contains(text) } }
    }
}

/// A transport that fails as told: transiently for the first `failures` attempts of each key, then
/// delivers. It records when (by the daemon's clock) each attempt was made.
final class ScriptedTransport: DaemonTransport {
    private let failures: Int
    private let attempts = Mutex<[String: [Int64]]>([:])

    init(failures: Int) {
        self.failures = failures
    }

    func parallelism(of channel: String) -> Int { 4 }

    func deliver(_ message: RenderedMessage, now: Int64) async throws(DeliveryFailure) -> String {
        let key = message.occurrence.key
        let count = attempts.withLock { attempts in
            attempts[key, default: []].append(now)
            return attempts[key, default: []].count
        }
        if count <= failures {
            throw DeliveryFailure.http(status: 503, channel: message.occurrence.channel, target: "test")
        }
        return "accepted"
    }

    /// When each attempt of `key` was made.
    func times(of key: String) -> [Int64] {
        attempts.withLock { $0[key] ?? [] }
    }
}
