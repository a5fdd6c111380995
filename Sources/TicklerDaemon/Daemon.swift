import CMalloc
import Dispatch
import Foundation
import Logging
import TicklerCore
import TicklerDelivery
import TicklerInput
import TicklerMessages
import TicklerStore

/// The daemon of `tickler run`, as a service: plans occurrences, arms one timer at the earliest due
/// instant, moves what falls due into the durable outbox and delivers it, retries, reloads on edits
/// and SIGHUP, and stops cleanly on a graceful shutdown (SIGTERM/SIGINT through its `ServiceGroup`).
///
/// It meets the world through three seams, each given to `init`: the clock (``DaemonClock``: the
/// time and the timer), the state store (``StateStore``) and the transports (``DaemonTransport``,
/// made for each loaded workspace).
///
/// Everything mutable is confined to `queue` (a serial queue; the timer and the other sources
/// belong to it), which is why the class is `@unchecked Sendable`. Deliveries run as tasks —
/// transports keep blocking libcurl calls on their own queues — and report back onto `queue`.
///
/// The plan covers `[watermark, horizon)`. The watermark, kept in the store (`scheduled_through`),
/// says that every occurrence due before it has been offered to the outbox; the outbox keys rows by
/// occurrence key and ignores a key it has, so offering twice (after a crash, a reload, an event) never
/// delivers twice. The horizon is planned `horizonSpan` ahead and extended when half of it is used.
///
/// Events are read by sequence number. The store keeps the highest one whose occurrences have been
/// planned and, where due, offered (`events_planned_through`); events after it — recorded while the
/// daemon was down — are planned at start as `tickler event add` would have had them planned while
/// it ran, including what they made due within `catch_up` before the watermark.
public final class Daemon: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var configPath: String
        public var environment: [String: String]
        /// How far ahead occurrences are planned (seconds). The timer wakes to plan more when half of it
        /// has passed.
        public var horizonSpan: Int64 = 2 * 86_400
        /// How long SIGTERM waits for deliveries in flight (seconds).
        public var shutdownGrace: Int64 = 10
        /// How many outbox rows one channel takes from the store at a time.
        public var batch: Int = 200
        /// How long to wait before trying the store again after it failed (seconds).
        public var storeRetryDelay: Int64 = 5
        /// Whether SIGHUP and edits of the watched files reload (off for a daemon embedded in a test,
        /// which reloads by calling ``reload()``).
        public var watchesForChanges = true

        /// The retry policy is the configuration's `retry:` (and a reload's).
        public init(configPath: String, environment: [String: String]) {
            self.configPath = configPath
            self.environment = environment
        }
    }

    let configuration: Configuration
    let logger: Logger
    let queue = DispatchQueue(label: "tickler.daemon")
    /// Where the delivery tasks run their steps (see `SerialTaskExecutor`).
    let deliveryExecutor = SerialTaskExecutor(label: "tickler.delivery")
    let store: any StateStore
    let clock: any DaemonClock
    /// Makes the transports of a loaded workspace (its channels, with the process environment).
    let makeTransport: TransportMaker
    /// What the daemon works from; replaced whole by a reload that succeeds.
    var loaded: Loaded
    var history = Schedule.History()
    /// What `tickler run` read of the store while the contacts loaded, until ``begin()`` takes it.
    var preread: StoreHistory?
    /// Every event in the store, and the highest sequence number read.
    var events: [Event] = []
    var lastEventSequence: Int64 = 0
    /// The highest sequence number whose events are planned, as the store has it.
    var plannedEventSequence: Int64 = 0
    /// The store's unsubscribe secret, read once a configuration has `http.public_url`.
    var unsubscribeSecret: [UInt8]?
    var agenda = Agenda()
    var watermark: Int64 = 0
    var horizon: Int64 = 0
    /// Per channel: rows taken from the outbox and waiting for a free slot, and deliveries in flight.
    var waiting: [String: [OutboxWork]] = [:]
    var inFlight: [String: String] = [:]
    var busy: [String: Int] = [:]
    /// Attempts that ended and whose outcome is not committed yet.
    var ended: [Attempt] = []
    /// Channels whose last batch from the store was full: there may be more to take.
    var mayHaveMore: Set<String> = []
    var stopping = false
    var timer: (any DaemonTimer)?
    /// Ends a shutdown that deliveries in flight have kept waiting for `shutdownGrace`.
    var graceEnd: DispatchWorkItem?
    /// The caller of ``run()``, resumed when the daemon has stopped (or could not start).
    var running: CheckedContinuation<Void, any Error>?
    var watcher: FileWatcher?
    var signalSources: [DispatchSourceSignal] = []
    var pendingReload: DispatchWorkItem?
    var eventCheckScheduled = false
    /// A shared store's heartbeat (``joinReplicas(now:)``), and the digest it reports.
    var heartbeat: (any DispatchSourceTimer)?
    var configDigest = ""
    var eventsMarkScheduled = false
    /// When events were last checked for (`DispatchTime` nanoseconds).
    var lastEventCheck: UInt64 = 0
    /// Set when the store failed: the timer wakes then to try again, not sooner.
    var storePausedUntil: Int64?
    /// What the rest of the process may read of the daemon (the HTTP service).
    public let state = DaemonState()

    /// Makes the transports of a workspace, with the process environment.
    public typealias TransportMaker = @Sendable (Workspace, _ environment: [String: String]) -> any DaemonTransport

    /// - Parameters:
    ///   - workspace: the loaded, checked workspace (`tickler run` reports its errors before starting).
    ///   - store: the state store, opened for writing.
    ///   - history: the store's first-seen times and events, when the caller read them ahead
    ///     (``StoreHistory/read(from:)``); otherwise the daemon reads them when it starts.
    ///   - clock: the time and the timer (the wall clock unless a test moves one by hand).
    ///   - makeTransport: the transports of a workspace, made again on each reload (every channel
    ///     over libcurl and the file system unless a test gives others).
    public init(
        configuration: Configuration, workspace: Workspace, store: any StateStore, history: StoreHistory? = nil,
        clock: any DaemonClock = WallClock(),
        makeTransport: @escaping TransportMaker = { Courier(channels: $0.config.channels, environment: $1) },
        logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        preread = history
        self.clock = clock
        self.makeTransport = makeTransport
        self.logger = logger
        loaded = Loaded(workspace: workspace, transport: makeTransport(workspace, configuration.environment))
    }

    func begin() throws(StoreError) {
        if configuration.watchesForChanges { installReloadSignal() }
        let now = clock.now()
        try joinReplicas(now: now)
        let read: StoreHistory
        if let preread { read = preread } else { read = try StoreHistory.read(from: store) }
        preread = nil
        history = Schedule.History(events: read.index, firstSeen: read.firstSeen)
        events = read.events
        lastEventSequence = read.lastSequence
        try recordFirstSeen(now: now)
        plannedEventSequence = try store.metaValue(Self.eventsPlannedName).flatMap { Int64($0) } ?? 0
        try readUnsubscribeSecretIfNeeded(for: loaded.workspace.config)
        loaded.unsubscribeLinks = Self.unsubscribeLinks(loaded.workspace.config, secret: unsubscribeSecret)
        try readNewEvents()
        watermark = try store.scheduledThrough() ?? now
        horizon = now + configuration.horizonSpan
        let started = Date()
        agenda = Agenda(
            loaded.schedule.occurrences(in: min(watermark, horizon)..<horizon, history: history, now: now))
        // Events recorded while the daemon was down (or before its first run) may have made reminders
        // due before the watermark: those within `catch_up` go out now, as they would have had it run.
        let late = plannedEventSequence == 0 ? events : try store.events(afterSequence: plannedEventSequence).events
        replan(contacts: Set(late.map(\.contact)), events: Set(late.map(\.id)), now: now)
        state.loaded(loaded.workspace, loaded.schedule, unsubscribeLinks: loaded.unsubscribeLinks, at: now)
        Self.returnFreedMemory()
        logger.info(
            "started",
            metadata: [
                "rules": "\(loaded.workspace.config.rules.count)", "contacts": "\(loaded.workspace.contacts.count)",
                "planned": "\(agenda.count)", "scheduled_through": "\(Timestamp.format(watermark, offset: 0))",
                "plan_ms": "\(Int(Date().timeIntervalSince(started) * 1000))",
            ])
        warnAboutCalendarCoverage(now: now)
        if configuration.watchesForChanges { installWatcher() }
        timer = clock.makeTimer(queue: queue) { [unowned self] in fire() }
        mayHaveMore = Set(loaded.workspace.config.channels.keys)
        fire()
    }

    /// The timer's work: plan further if due, move what fell due into the outbox, deliver, re-arm.
    func fire() {
        guard !stopping else { return }
        let now = clock.now()
        storePausedUntil = nil
        if now >= horizon - configuration.horizonSpan / 2 { extendHorizon(now: now) }
        let due = agenda.popDue(through: now)
        if !due.isEmpty, !offer(due, now: now) {
            // The store did not take them: they stay planned, and the marks where they are, until it does.
            agenda.insert(due)
        } else {
            markPlanned(through: now)
        }
        // Retries whose time has come are in the store: look again on every channel.
        mayHaveMore.formUnion(loaded.workspace.config.channels.keys)
        pump(now: now)
        arm(now: now)
    }

    /// Records in the store that every occurrence due through `now`, and every event read so far,
    /// has been planned and offered.
    ///
    /// The events' mark goes with the watermark when that is written (at most once a second), else
    /// within ``eventsMarkDelay``: events arriving many a second (from the HTTP service) then cost
    /// the store one write each, not two. A mark written late only makes a restart plan those
    /// events again, which offers the outbox keys it has.
    private func markPlanned(through now: Int64) {
        if watermark <= now {
            watermark = now + 1
            attempt("record the watermark") { () throws(StoreError) in try store.setScheduledThrough(watermark) }
            writeEventsMark()
        } else if plannedEventSequence < lastEventSequence, !eventsMarkScheduled {
            eventsMarkScheduled = true
            queue.asyncAfter(deadline: .now() + Self.eventsMarkDelay) { [self] in
                eventsMarkScheduled = false
                writeEventsMark()
            }
        }
    }

    private func writeEventsMark() {
        guard plannedEventSequence < lastEventSequence else { return }
        let sequence = lastEventSequence
        attempt("record the events planned") { () throws(StoreError) in
            try store.setMetaValue(String(sequence), for: Self.eventsPlannedName)
            plannedEventSequence = sequence
        }
    }

    static let eventsMarkDelay: DispatchTimeInterval = .milliseconds(200)

    /// Arms the timer at the earliest of: the next planned occurrence, the next retry, and the time to
    /// plan further — or, after the store failed, at the time to try it again. Never polls: with
    /// nothing due the daemon sleeps until then. `now` must be the instant `pump(now:)` last used, so
    /// that a retry falling due in between is either started or waited for.
    func arm(now: Int64) {
        guard !stopping, let timer else { return }
        var next = horizon - configuration.horizonSpan / 2
        if let due = agenda.next?.due { next = min(next, due) }
        // Retries already due that did not start wait for a free connection of their channel: the
        // end of a delivery pumps again. Waking for them now would only spin.
        attempt("read the next retry time") { () throws(StoreError) in
            if let retry = try store.nextRetryAt(after: now) { next = min(next, retry) }
        }
        if let paused = storePausedUntil { next = paused }
        state.setNextDue(agenda.next?.due)
        timer.arm(at: next)
    }

    /// Runs a store operation whose failure is logged, not fatal: the timer wakes again after
    /// `storeRetryDelay` to try once more. Returns whether it succeeded.
    @discardableResult
    func attempt(_ what: String, _ body: () throws(StoreError) -> Void) -> Bool {
        do throws(StoreError) {
            try body()
            return true
        } catch {
            logger.error("cannot \(what)", metadata: ["error": "\(error.message)"])
            storePausedUntil = clock.now() + configuration.storeRetryDelay
            return false
        }
    }

    /// Tells the daemon that events were recorded in this process (by the HTTP service): it reads
    /// and plans them, as it does when another process records some. Calls that arrive while a
    /// check waits share it, and checks are ``eventCheckInterval`` apart at least: each reads the
    /// new events and indexes every event again, so at thousands of events a second a check per
    /// commit would take the CPU the server needs.
    public func eventsRecorded() {
        queue.async { [self] in
            guard !eventCheckScheduled else { return }
            eventCheckScheduled = true
            let next = lastEventCheck + UInt64(Self.eventCheckInterval * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            queue.asyncAfter(deadline: .now() + .nanoseconds(Int(next > now ? next - now : 0))) { [self] in
                checkEvents()
            }
        }
    }

    /// The least time between two checks for events recorded in this process (seconds).
    static let eventCheckInterval = 0.1

    /// The `meta` entry that holds ``plannedEventSequence``.
    static let eventsPlannedName = "events_planned_through"

    /// Hands memory freed since loading (the contact files' bytes, parse buffers, a previous
    /// workspace) back to the system. glibc keeps freed memory for reuse otherwise, and a daemon that
    /// runs for months would sit at its start-up peak.
    static func returnFreedMemory() {
        malloc_trim(0)
    }
}
