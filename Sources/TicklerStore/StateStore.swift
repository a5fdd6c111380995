import TicklerCore

/// What the daemon and the commands need of the state store: events, first-seen times, the
/// daemon's marks, the outbox and its delivery history. ``SQLiteStore`` is today's implementation;
/// another (PostgreSQL) conforms to the same requirements and is tested by the same suite.
///
/// Every call is one transaction and fails with a ``StoreError`` that says what could not be done
/// and how to fix it. Times are seconds since the epoch and always come from the caller, whose clock
/// they are: the store reads none.
public protocol StateStore: AnyObject, Sendable {
    // MARK: First-seen times (the start of `every` rules' clocks)

    /// When each contact was first seen, by contact id.
    func firstSeen() throws(StoreError) -> FirstSeenTimes
    /// Records `contacts` as first seen at `at`; a contact already recorded keeps its time.
    func recordFirstSeen(_ contacts: [String], at: Int64) throws(StoreError)

    // MARK: The daemon's marks

    /// A named value of the store's `meta` table, or `nil`.
    func metaValue(_ name: String) throws(StoreError) -> String?
    /// Sets (or, with `nil`, removes) a named value.
    func setMetaValue(_ value: String?, for name: String) throws(StoreError)
    /// The value stored under `name`; when there is none, stores `value` first and returns it. One
    /// transaction: of callers racing to store a first value, every one gets the one stored first.
    func metaValue(_ name: String, storingIfAbsent value: String) throws(StoreError) -> String
    /// The instant up to which due occurrences were put in the outbox; `nil` before the first run.
    func scheduledThrough() throws(StoreError) -> Int64?
    func setScheduledThrough(_ instant: Int64) throws(StoreError)

    // MARK: Events

    /// Stores a new event recorded at `recordedAt` and returns it with its id.
    func addEvent(contact: String, type: String, at: Int64, note: String?, recordedAt: Int64, source: String)
        throws(StoreError) -> Event
    /// Stores `events` in one transaction, all or none; ids already stored are skipped or refused.
    func importEvents(_ events: [ImportedEvent], recordedAt: Int64) throws(StoreError) -> ImportResult
    /// The events, of one contact and of one type when given, by time, then by when they were stored.
    func events(contact: String?, type: String?) throws(StoreError) -> [Event]
    /// Every event, not by time but in the order they were stored (for callers that index them
    /// themselves: `EventIndex` keeps this order among events at the same instant).
    func unorderedEvents() throws(StoreError) -> [Event]
    /// The events stored after sequence number `sequence`, in the order they were stored, and the
    /// highest sequence number stored.
    func events(afterSequence sequence: Int64) throws(StoreError) -> (events: [Event], last: Int64)
    /// The events of several requests (HTTP) in one transaction, idempotent by sender id per source.
    func recordEvents(_ batches: [EventBatch], recordedAt: Int64) throws(StoreError) -> [[RecordedEvent]]
    /// ``events(contact:type:)`` with where each event came from.
    func listedEvents(contact: String?, type: String?) throws(StoreError) -> [ListedEvent]
    /// How many events each source recorded.
    func eventCountsBySource() throws(StoreError) -> [String: Int]

    // MARK: The outbox

    /// Puts `items` in the outbox, skipping keys it has; returns the keys that were new.
    @discardableResult
    func enqueue(_ items: [OutboxItem], at now: Int64) throws(StoreError) -> [String]
    /// In one transaction: how the attempts in `ending` ended, and that attempts of `keys` start
    /// (state `sending`). Returns the new attempts' numbers in order; `nil` for a key another replica
    /// has taken over (a ``SharedStore`` whose claim ran out), for which nothing was recorded.
    func recordAttempts(ending: [AttemptEnd], beginning keys: [String], at now: Int64) throws(StoreError) -> [Int?]
    /// The entries to attempt at `now`, oldest due first, at most `limit`, of one channel or all,
    /// leaving out the keys in `inFlight`.
    func dueWork(now: Int64, channel: String?, limit: Int, excluding inFlight: Set<String>) throws(StoreError)
        -> [OutboxWork]
    /// When the earliest waiting retry is due (of those due after `instant`, when given).
    func nextRetryAt(after instant: Int64?) throws(StoreError) -> Int64?
    /// Which of `keys` the outbox has (in any state).
    func deliveredKeys(among keys: [String]) throws(StoreError) -> Set<String>
    /// The keys among `keys` the outbox has, in any state.
    func outboxKeys(among keys: [String]) throws(StoreError) -> Set<String>

    // MARK: Reading for people

    /// The outbox by state and channel, retries, failures, missed entries and the latest attempts.
    func status(now: Int64, limit: Int) throws(StoreError) -> OutboxStatus
    /// Delivery attempts, newest first, of one contact or all.
    func history(contact: String?, limit: Int) throws(StoreError) -> [HistoryEntry]
    /// Answers when the store can be read (for `/readyz`); fails with the reason otherwise.
    func ping() throws(StoreError)
}

/// How one attempt ended, for ``StateStore/recordAttempts(ending:beginning:at:)``.
public struct AttemptEnd: Sendable {
    public var key: String
    public var attempt: Int
    public var outcome: AttemptOutcome

    public init(key: String, attempt: Int, outcome: AttemptOutcome) {
        self.key = key
        self.attempt = attempt
        self.outcome = outcome
    }
}

extension StateStore {
    /// Records that an attempt to deliver `key` starts at `now` (state `sending`, one more attempt,
    /// a history row) and returns its number, 1 for the first. Commit this before sending.
    ///
    /// The entry must be `pending`, `retry`, or `sending` — an attempt a crash cut off, which is
    /// then recorded as `interrupted` and attempted again with the same key. Fails with
    /// ``StoreError/Kind/unknownKey`` or ``StoreError/Kind/wrongState`` (a delivered, failed or
    /// missed entry is never attempted again).
    public func beginAttempt(key: String, at now: Int64) throws(StoreError) -> Int {
        guard let number = try beginAttempts(keys: [key], at: now)[0] else {
            throw StoreError(
                .lostClaim, "cannot attempt to deliver '\(key)': another replica has taken it over",
                note: "this replica's lease on it ran out; the replica that holds it now sends it")
        }
        return number
    }

    /// ``beginAttempt(key:at:)`` for several keys in one transaction; all or none are recorded.
    /// Returns the attempt numbers in order (`nil`: taken over by another replica, not begun).
    public func beginAttempts(keys: [String], at now: Int64) throws(StoreError) -> [Int?] {
        try recordAttempts(ending: [], beginning: keys, at: now)
    }

    /// Records how attempt `attempt` of `key` ended, at `now`: delivered (the stored message is
    /// dropped: it is never sent again), to be retried at a time, or failed for good.
    ///
    /// Fails with ``StoreError/Kind/wrongState`` unless `attempt` is the entry's attempt in flight.
    public func finishAttempt(key: String, attempt: Int, at now: Int64, outcome: AttemptOutcome) throws(StoreError) {
        try finishAttempts([AttemptEnd(key: key, attempt: attempt, outcome: outcome)], at: now)
    }

    /// ``finishAttempt(key:attempt:at:outcome:)`` for several attempts in one transaction; all or none
    /// are recorded.
    public func finishAttempts(_ ends: [AttemptEnd], at now: Int64) throws(StoreError) {
        _ = try recordAttempts(ending: ends, beginning: [], at: now)
    }
}
