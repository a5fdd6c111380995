import Foundation
import TicklerCore
import TicklerInput
import TicklerMessages

/// What the daemon shows the rest of the process (the HTTP service) while it runs: the workspace
/// and schedule it works from, how the last reload went, when the next reminder is due, and the
/// delivery metrics. Written on the daemon's queue, read from any thread, under one lock.
public final class DaemonState: @unchecked Sendable {
    /// The loaded configuration and the schedule built from it.
    public struct Loaded: Sendable {
        public var workspace: Workspace
        public var schedule: Schedule
        /// 1 for the first configuration loaded, one more for each reload that succeeded: what a
        /// reader caches from a workspace is good while this stays the same.
        public var generation: Int
    }

    private let lock = NSLock()
    private var current: Loaded?
    private var generation = 0
    private var reloadSuccessful = true
    private var reloadSucceededAt: Int64 = 0
    private var nextDue: Int64?
    private var links: UnsubscribeLinks?
    private var listeners: [@Sendable (Loaded) -> Void] = []
    public let metrics = DeliveryMetrics()

    public init() {}

    /// The workspace and schedule, once the daemon has planned its first schedule; `nil` before.
    public var loaded: Loaded? { lock.withLock { current } }

    /// Whether the last reload succeeded (true before any), and when the configuration was last
    /// loaded successfully (seconds since the epoch).
    public var lastReload: (successful: Bool, succeededAt: Int64) {
        lock.withLock { (reloadSuccessful, reloadSucceededAt) }
    }

    /// The links of the loaded configuration's messages to contacts, which the HTTP service's
    /// `/u/TOKEN` verifies tokens with (``UnsubscribeLinks/contact(fromToken:)``); `nil` without
    /// `http.public_url`, or before the first configuration is loaded. Set before the `onLoad`
    /// listeners are called.
    public var unsubscribeLinks: UnsubscribeLinks? { lock.withLock { links } }

    /// When the earliest planned reminder is due; `nil` with none planned.
    public var nextDueAt: Int64? { lock.withLock { nextDue } }

    /// Calls `listener` (on the daemon's queue) whenever a configuration is loaded: at the start and
    /// after each reload that succeeded.
    public func onLoad(_ listener: @escaping @Sendable (Loaded) -> Void) {
        let now = lock.withLock {
            listeners.append(listener)
            return current
        }
        if let now { listener(now) }
    }

    func loaded(_ workspace: Workspace, _ schedule: Schedule, unsubscribeLinks: UnsubscribeLinks?, at now: Int64) {
        let (loaded, listeners) = lock.withLock {
            generation += 1
            let loaded = Loaded(workspace: workspace, schedule: schedule, generation: generation)
            current = loaded
            links = unsubscribeLinks
            reloadSuccessful = true
            reloadSucceededAt = now
            return (loaded, self.listeners)
        }
        for listener in listeners { listener(loaded) }
    }

    func reloadFailed() {
        lock.withLock { reloadSuccessful = false }
    }

    func setNextDue(_ instant: Int64?) {
        lock.withLock { nextDue = instant }
    }
}

/// Counters and histograms of deliveries since the process started, for `/metrics`.
public final class DeliveryMetrics: @unchecked Sendable {
    /// A cumulative histogram with fixed bucket bounds (seconds).
    public struct Histogram: Sendable {
        public let bounds: [Double]
        /// Per bound, how many observations were at most it; the last entry counts all (`+Inf`).
        public private(set) var counts: [Int]
        public private(set) var sum: Double = 0

        public init(bounds: [Double]) {
            self.bounds = bounds
            counts = Array(repeating: 0, count: bounds.count + 1)
        }

        public var count: Int { counts[counts.count - 1] }

        mutating func observe(_ value: Double) {
            sum += value
            for index in bounds.indices where value <= bounds[index] { counts[index] += 1 }
            counts[counts.count - 1] += 1
        }
    }

    public struct Snapshot: Sendable {
        /// Delivered, by channel.
        public var delivered: [String: Int] = [:]
        /// Failed attempts, by channel and then `transient` or `permanent`.
        public var failed: [String: [String: Int]] = [:]
        /// How long an attempt took, by channel.
        public var latency: [String: Histogram] = [:]
        /// Delivered − due, of every delivered reminder.
        public var lateness = Histogram(bounds: DeliveryMetrics.latenessBounds)
    }

    public static let latencyBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    public static let latenessBounds = [0.1, 0.5, 1, 5, 30, 60, 300, 900, 3_600, 21_600, 86_400]

    private let lock = NSLock()
    private var values = Snapshot()

    public var snapshot: Snapshot { lock.withLock { values } }

    /// Records an attempt on `channel` that took `seconds`: delivered (with how late, in seconds),
    /// or failed transiently or for good.
    func record(channel: String, seconds: Double, delivered lateness: Double?, failedTransiently: Bool?) {
        lock.withLock {
            values.latency[channel, default: Histogram(bounds: Self.latencyBounds)].observe(seconds)
            if let lateness {
                values.delivered[channel, default: 0] += 1
                values.lateness.observe(max(0, lateness))
            } else if let transient = failedTransiently {
                values.failed[channel, default: [:]][transient ? "transient" : "permanent", default: 0] += 1
            }
        }
    }
}
