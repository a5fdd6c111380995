import Synchronization

/// A store that several replicas share (PostgreSQL): what the daemon does beyond ``StateStore``
/// when more than one process works on the same outbox — register itself, keep its claims alive,
/// learn of events recorded elsewhere, and tell `status` who runs.
public protocol SharedStore: StateStore {
    /// This process's id among the replicas: the owner of its claims.
    var replica: String { get }
    /// How long a claim lasts without a heartbeat, in seconds.
    var lease: Int64 { get }
    /// Claims taken and lost so far, for the metrics.
    var claimCounters: ClaimCounters { get }

    /// Records this replica (host, pid, start, configuration digest) and starts its lease clock.
    func register(configDigest: String, at now: Int64) throws(StoreError)
    /// Renews this replica's heartbeat and the leases of the claims it still holds (not those that
    /// ran out: another replica may have them); says how many it renewed, and how many entries wait
    /// under another replica's lease that ran out (that replica died or froze: take them over).
    @discardableResult
    func heartbeat(configDigest: String) throws(StoreError) -> Heartbeat
    /// Releases this replica's claims on entries it has not begun, and marks it stopped.
    func deregister(at now: Int64) throws(StoreError)
    /// Whether this replica's leases still hold by its own monotonic clock, with a margin: checked
    /// just before an attempt goes on the wire, so a replica that was frozen past its lease sends
    /// nothing that may be another's by now.
    func leasesHold() -> Bool
    /// Calls `changed` whenever another process records events, and after every reconnect (what
    /// was sent while the connection was down is lost), until the store is closed.
    func observeEvents(_ changed: @escaping @Sendable () -> Void)
    /// How far the database's clock is ahead of this machine's, in seconds (negative: behind),
    /// measured over one round trip: replicas read due times from the database's clock.
    func clockOffset() throws(StoreError) -> Double
    /// The replicas that have run against the store, latest heartbeat first.
    func replicas() throws(StoreError) -> [ReplicaStatus]
}

/// What a heartbeat found.
public struct Heartbeat: Sendable, Hashable {
    /// Claims of this replica whose lease it renewed.
    public var renewed: Int
    /// Entries to attempt whose claim, another replica's, ran out.
    public var abandoned: Int

    public init(renewed: Int, abandoned: Int) {
        self.renewed = renewed
        self.abandoned = abandoned
    }
}

/// One replica as the store knows it.
public struct ReplicaStatus: Sendable, Hashable {
    public var id: String
    public var host: String
    public var pid: Int
    public var startedAt: Int64
    public var heartbeatAt: Int64
    public var configDigest: String
    /// When it stopped cleanly; `nil` while it runs (or after it died: see ``heartbeatAt``).
    public var stoppedAt: Int64?
    /// Not stopped, and its last heartbeat within three leases (as the store's clock and this
    /// process's lease have it): what `tickler_replicas` counts and `status` compares.
    public var isRunning: Bool

    public init(
        id: String, host: String, pid: Int, startedAt: Int64, heartbeatAt: Int64, configDigest: String,
        stoppedAt: Int64?, isRunning: Bool
    ) {
        self.id = id
        self.host = host
        self.pid = pid
        self.startedAt = startedAt
        self.heartbeatAt = heartbeatAt
        self.configDigest = configDigest
        self.stoppedAt = stoppedAt
        self.isRunning = isRunning
    }
}

/// Counts of claims, as `tickler_claims_total` and `tickler_claims_lost_total` report them.
public final class ClaimCounters: Sendable {
    /// Outbox entries claimed (each time one is taken, renewals not counted).
    public let claimed = Counter()
    /// Attempts not begun because another replica had taken the entry over.
    public let lost = Counter()
    /// Leases renewed by heartbeats.
    public let renewed = Counter()

    public init() {}

    public final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        public init() {}
        public func add(_ count: Int) { value.add(count, ordering: .relaxed) }
        public var count: Int { value.load(ordering: .relaxed) }
    }
}
