/// What `tickler status` shows of the outbox (``SQLiteStore/status(now:limit:)``): how many entries
/// stand in each state on each channel, what is waiting, what failed or was missed, and the latest
/// attempts. Times are seconds since the epoch.
public struct OutboxStatus: Sendable, Hashable {
    /// How many entries of a channel are in a state.
    public struct Count: Sendable, Hashable {
        public var state: OutboxState
        public var channel: String
        public var count: Int

        public init(state: OutboxState, channel: String, count: Int) {
            self.state = state
            self.channel = channel
            self.count = count
        }
    }

    /// An entry that will be tried again.
    public struct Retry: Sendable, Hashable {
        public var key: String
        public var channel: String
        public var attempts: Int
        public var nextAttemptAt: Int64
        public var lastError: String?

        public init(key: String, channel: String, attempts: Int, nextAttemptAt: Int64, lastError: String?) {
            self.key = key
            self.channel = channel
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
            self.lastError = lastError
        }
    }

    /// An entry that failed for good.
    public struct Failure: Sendable, Hashable {
        public var key: String
        public var channel: String
        public var attempts: Int
        /// Why: the last attempt's error, or why it could not be attempted.
        public var error: String
        /// When it failed.
        public var at: Int64

        public init(key: String, channel: String, attempts: Int, error: String, at: Int64) {
            self.key = key
            self.channel = channel
            self.attempts = attempts
            self.error = error
            self.at = at
        }
    }

    /// An entry that fell due while Tickler was down, beyond `catch_up`.
    public struct Missed: Sendable, Hashable {
        public var key: String
        public var channel: String
        public var due: Int64
        public var reason: String

        public init(key: String, channel: String, due: Int64, reason: String) {
            self.key = key
            self.channel = channel
            self.due = due
            self.reason = reason
        }
    }

    /// A digest (an entry of rule `digest`) and how many items it carries.
    public struct Digest: Sendable, Hashable {
        public var key: String
        public var channel: String
        public var state: OutboxState
        public var due: Int64
        /// Its items: `bundled` with it, or recorded missed or failed with it (`in KEY: …`).
        public var items: Int

        public init(key: String, channel: String, state: OutboxState, due: Int64, items: Int) {
            self.key = key
            self.channel = channel
            self.state = state
            self.due = due
            self.items = items
        }
    }

    /// Entries by state and channel, ordered by state (as ``OutboxState`` lists them), then channel.
    public var counts: [Count]
    /// How many entries ``SQLiteStore/dueWork(now:channel:limit:excluding:)`` would return now.
    public var dueNow: Int
    /// Waiting retries, soonest first.
    public var retries: [Retry]
    /// Failures, latest first.
    public var failures: [Failure]
    /// Missed entries, latest due first.
    public var missed: [Missed]
    /// The latest delivery attempts, latest first.
    public var lastAttempts: [HistoryEntry]
    /// The latest digests, latest due first.
    public var digests: [Digest]
    /// How far the daemon has put occurrences in the outbox (``SQLiteStore/scheduledThrough()``).
    public var scheduledThrough: Int64?
    /// The due instant of the oldest entry not yet delivered (pending, sending or waiting to retry).
    public var oldestPendingDue: Int64?
    /// The replicas sharing the store, latest heartbeat first (empty for SQLite, which has one process).
    public var replicas: [ReplicaStatus] = []

    public init(
        counts: [Count], dueNow: Int, retries: [Retry], failures: [Failure], missed: [Missed],
        lastAttempts: [HistoryEntry], scheduledThrough: Int64?, oldestPendingDue: Int64? = nil, digests: [Digest] = []
    ) {
        self.digests = digests
        self.oldestPendingDue = oldestPendingDue
        self.counts = counts
        self.dueNow = dueNow
        self.retries = retries
        self.failures = failures
        self.missed = missed
        self.lastAttempts = lastAttempts
        self.scheduledThrough = scheduledThrough
    }

    /// The number of entries in `state`, on every channel.
    public func count(_ state: OutboxState) -> Int {
        counts.lazy.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }
}
