import Dispatch
import Foundation
import Logging
import TicklerCore
import TicklerFiles
import TicklerInput
import TicklerMessages
import TicklerStore

/// SIGHUP, file changes, reloads and shutdown.
extension Daemon {
    /// SIGHUP reloads. (SIGTERM and SIGINT belong to the `ServiceGroup` the daemon runs in, which
    /// shuts it down gracefully.)
    func installReloadSignal() {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        source.setEventHandler { [unowned self] in reload() }
        source.resume()
        signalSources.append(source)
    }

    /// Watches the directories of the configuration, the contact files, the templates and the store.
    func installWatcher() {
        if watcher == nil {
            watcher = FileWatcher(queue: queue) { [unowned self] paths in changed(paths) }
            if watcher == nil { logger.warning("cannot watch files (inotify); reload with SIGHUP") }
        }
        let state = loaded.workspace.config.statePath
        var directories = Set(loaded.watchedFiles.map(Self.directory(of:)))
        directories.insert(loaded.templatesDirectory)
        // A shared store tells of its events itself (``joinReplicas(now:)``).
        if !Config.isDatabaseURL(state) { directories.insert(Self.directory(of: state)) }
        for missing in watcher?.watch(directories) ?? [] {
            logger.warning("cannot watch a directory", metadata: ["path": "\(missing)"])
        }
    }

    /// Sorts file changes into "reload" (configuration, contacts, templates) and "look for events"
    /// (the store), each coalesced: an editor's save is several events.
    private func changed(_ paths: [String]) {
        let state = loaded.workspace.config.statePath
        let files = loaded.watchedFiles
        let templates = loaded.templatesDirectory + "/"
        var reloadNeeded = false
        var storeChanged = false
        for path in paths {
            if path == state || path == state + "-wal" {
                storeChanged = true
            } else if files.contains(path)
                || (path.hasPrefix(templates) && !path.dropFirst(templates.count).hasPrefix("."))
            {
                reloadNeeded = true
            }
        }
        if storeChanged, !eventCheckScheduled {
            eventCheckScheduled = true
            queue.asyncAfter(deadline: .now() + .milliseconds(50)) { [self] in checkEvents() }
        }
        if reloadNeeded {
            pendingReload?.cancel()
            let work = DispatchWorkItem { [unowned self] in reload() }
            pendingReload = work
            queue.asyncAfter(deadline: .now() + .milliseconds(300), execute: work)
        }
    }

    /// Loads everything again. A workspace with errors is rejected whole: its diagnostics are logged
    /// and the running configuration and timers stay.
    func reload() {
        pendingReload = nil
        guard !stopping else { return }
        let (workspace, diagnostics) = WorkspaceLoader.load(
            configPath: configuration.configPath, reader: FileSystemReader(), zones: loaded.workspace.zones,
            environment: configuration.environment, warningsOnlyWithErrors: true, phaseEnded: { _ in })
        guard let workspace, !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sorted where diagnostic.severity == .error {
                logger.error("\(diagnostic.description)")
            }
            logger.error(
                "reload rejected; the running configuration stays",
                metadata: ["errors": "\(diagnostics.errorCount)"])
            state.reloadFailed()
            return
        }
        let now = clock.now()
        // A public URL added by this reload needs the secret; without it (the store failed) messages
        // go out without links until a reload reads it.
        attempt("read the unsubscribe secret") { () throws(StoreError) in
            try readUnsubscribeSecretIfNeeded(for: workspace.config)
        }
        loaded = Loaded(
            workspace: workspace, transport: makeTransport(workspace, configuration.environment),
            unsubscribeLinks: Self.unsubscribeLinks(workspace.config, secret: unsubscribeSecret))
        attempt("record first-seen times") { () throws(StoreError) in try recordFirstSeen(now: now) }
        if store is any SharedStore { configDigest = Self.configDigest(path: configuration.configPath) }
        replanAll(now: now)
        state.loaded(workspace, loaded.schedule, unsubscribeLinks: loaded.unsubscribeLinks, at: now)
        Self.returnFreedMemory()
        warnAboutCalendarCoverage(now: now)
        if configuration.watchesForChanges { installWatcher() }
        logger.info(
            "reloaded",
            metadata: [
                "rules": "\(workspace.config.rules.count)", "contacts": "\(workspace.contacts.count)",
                "planned": "\(agenda.count)",
            ])
        fire()
    }

    /// Stops taking new work and lets deliveries in flight finish (at most `shutdownGrace`), then
    /// ends ``run()``. An attempt cut off stays `sending` in the outbox and is retried, with the same
    /// key, at the next start.
    func shutDown() {
        guard !stopping else { return }
        stopping = true
        timer?.cancel()
        timer = nil
        pendingReload?.cancel()
        logger.info("shutting down", metadata: ["in_flight": "\(inFlight.count)"])
        guard !inFlight.isEmpty else { return stopped() }
        // A span of time from now, on the monotonic clock: the wall clock's whole seconds would cut
        // it short by up to a second.
        let grace = DispatchWorkItem { [unowned self] in
            guard running != nil else { return }
            logger.warning(
                "deliveries still in flight at shutdown; they are retried at the next start",
                metadata: ["in_flight": "\(inFlight.count)"])
            stopped()
        }
        queue.asyncAfter(deadline: .now() + .seconds(Int(configuration.shutdownGrace)), execute: grace)
        graceEnd = grace
    }

    /// The daemon has stopped: its sources are cancelled and ``run()`` returns.
    func stopped() {
        releaseSources()
        leaveReplicas()
        logger.info("stopped")
        running?.resume()
        running = nil
    }

    /// Cancels the timer, the file watcher and the signal source: nothing wakes the daemon again.
    func releaseSources() {
        timer?.cancel()
        timer = nil
        watcher = nil
        heartbeat?.cancel()
        heartbeat = nil
        graceEnd?.cancel()
        graceEnd = nil
        for source in signalSources { source.cancel() }
        signalSources = []
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Logs `tickler check`'s warning when a calendar that a working-day rule reads ends within 90
    /// days: the data needs next year's schedule, and a daemon may run for months without a check.
    func warnAboutCalendarCoverage(now: Int64) {
        var diagnostics = Diagnostics()
        let config = loaded.workspace.config
        CalendarCoverage.check(config, today: config.zoneRules.localDate(at: now), diagnostics: &diagnostics)
        for diagnostic in diagnostics.sorted {
            logger.warning("\(diagnostic.description)")
        }
    }
}
