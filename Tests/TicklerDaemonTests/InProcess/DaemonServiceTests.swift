import Foundation
import Logging
import ServiceLifecycle
import Testing
import TicklerFiles
import TicklerInput
import TicklerStore
import TicklerTestSupport

@testable import TicklerDaemon

/// The daemon as a swift-service-lifecycle `Service`, in-process: a `ServiceGroup`'s graceful
/// shutdown ends `run()`, and so does a shutdown that comes before the daemon has started.
@Suite struct DaemonServiceTests {
    private func makeDaemon(_ workspace: DaemonWorkspace, log: LogRecorder) throws -> Daemon {
        let (loaded, diagnostics) = WorkspaceLoader.load(
            configPath: workspace.config, reader: FileSystemReader(), zones: systemZones)
        let checked = try #require(loaded, "\(diagnostics.sorted)")
        var configuration = Daemon.Configuration(configPath: workspace.config, environment: [:])
        configuration.watchesForChanges = false
        return Daemon(
            configuration: configuration, workspace: checked, store: try SQLiteStore.open(path: workspace.statePath),
            clock: ManualClock(now: DaemonTimingTests.start), logger: Logger(label: "tickler") { _ in log })
    }

    @Test func aGracefulShutdownOfItsGroupEndsRun() async throws {
        let workspace = try DaemonWorkspace(
            channels: DaemonTimingTests.file,
            rules: "  - { name: thanks, after: purchase, delay: 1h, to: contact, channel: out, template: thanks }")
        let log = LogRecorder()
        let daemon = try makeDaemon(workspace, log: log)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: daemon)], logger: Logger(label: "group"))
        )
        // On an executor of its own, as `tickler run` has it: the cooperative pool (two threads here)
        // may be held for a minute by synchronous tests running beside this one.
        let running = Task(executorPreference: SerialTaskExecutor(label: "test.service-group")) {
            try await group.run()
        }
        try await Poll.until("the daemon to start") { !log.lines(containing: "started").isEmpty }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(log.lines(containing: "shutting down").count == 1)
        #expect(log.lines(containing: "stopped").count == 1)
        #expect(daemon.queue.sync { daemon.timer == nil && daemon.signalSources.isEmpty })
    }

    @Test(.timeLimit(.minutes(1))) func aShutdownBeforeTheStartEndsRunWithoutStarting() async throws {
        let workspace = try DaemonWorkspace(
            channels: DaemonTimingTests.file,
            rules: "  - { name: thanks, after: purchase, delay: 1h, to: contact, channel: out, template: thanks }")
        let log = LogRecorder()
        let daemon = try makeDaemon(workspace, log: log)
        daemon.queue.sync { daemon.shutDown() }
        try await daemon.run()
        #expect(log.lines(containing: "started").isEmpty)
        #expect(daemon.queue.sync { daemon.timer == nil })
    }
}
