/// Everything a state store holds, row for row, as `tickler state copy` moves it from one store to
/// another (SQLite ⇄ PostgreSQL): every event with its number, source and sender id, how far the
/// event numbers have gone, the first-seen times, the daemon's named values, the outbox with each
/// entry's stored message, and the delivery history.
///
/// Not in it: what belongs to one store's processes rather than to the state — PostgreSQL's claims
/// and leases on outbox entries (a copy starts unclaimed), the replica that made each attempt, the
/// `replicas` table — and the numbers of `deliveries` rows (their order is kept; the numbers are the
/// target's own).
///
/// Texts are kept byte for byte; times are seconds since the epoch, as both stores keep them.
public struct StoreContents: Sendable, Hashable {
    /// A row of `events`.
    public struct EventRow: Sendable, Hashable {
        /// The order events were stored in, and the number behind an assigned id (`"17"`).
        public var seq: Int64
        public var id: String
        public var contact: String
        public var type: String
        public var at: Int64
        public var note: String?
        public var recordedAt: Int64
        /// `cli`, `import`, an HTTP token's name…; `nil` for events stored before sources were kept.
        public var source: String?
        /// The sender's own id (HTTP), unique per source.
        public var senderID: String?

        public init(
            seq: Int64, id: String, contact: String, type: String, at: Int64, note: String?, recordedAt: Int64,
            source: String?, senderID: String?
        ) {
            self.seq = seq
            self.id = id
            self.contact = contact
            self.type = type
            self.at = at
            self.note = note
            self.recordedAt = recordedAt
            self.source = source
            self.senderID = senderID
        }
    }

    /// A row of `first_seen`.
    public struct FirstSeenRow: Sendable, Hashable {
        public var contact: String
        public var at: Int64

        public init(contact: String, at: Int64) {
            self.contact = contact
            self.at = at
        }
    }

    /// A row of `meta`: a named value the daemon keeps (`scheduled_through`, `unsubscribe_secret`…).
    public struct MetaRow: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A row of `outbox`, every column but PostgreSQL's claim (`claimed_by`, `lease_until`).
    public struct OutboxRow: Sendable, Hashable {
        public var key: String
        public var rule: String
        public var contact: String
        public var channel: String
        public var due: Int64
        public var state: OutboxState
        public var attempts: Int
        public var nextAttemptAt: Int64?
        public var lastError: String?
        public var updatedAt: Int64
        public var recipient: String?
        /// `contact`, `owner` or `manager`, as stored.
        public var toKind: String?
        /// The rendered message as the store keeps it (JSON), unread.
        public var message: String?
        public var firstAttemptAt: Int64?
        /// For `bundled`: the key of the digest that carries it.
        public var digest: String?

        public init(
            key: String, rule: String, contact: String, channel: String, due: Int64, state: OutboxState,
            attempts: Int, nextAttemptAt: Int64?, lastError: String?, updatedAt: Int64, recipient: String?,
            toKind: String?, message: String?, firstAttemptAt: Int64?, digest: String?
        ) {
            self.key = key
            self.rule = rule
            self.contact = contact
            self.channel = channel
            self.due = due
            self.state = state
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
            self.lastError = lastError
            self.updatedAt = updatedAt
            self.recipient = recipient
            self.toKind = toKind
            self.message = message
            self.firstAttemptAt = firstAttemptAt
            self.digest = digest
        }
    }

    /// A row of `deliveries`: one attempt of an outbox entry.
    public struct DeliveryRow: Sendable, Hashable {
        public var key: String
        public var attempt: Int
        public var startedAt: Int64
        /// `nil` while in flight (or cut off by a crash).
        public var finishedAt: Int64?
        /// `delivered`, `retry`, `failed`, `interrupted`; `nil` while in flight.
        public var result: String?
        public var detail: String?

        public init(
            key: String, attempt: Int, startedAt: Int64, finishedAt: Int64?, result: String?, detail: String?
        ) {
            self.key = key
            self.attempt = attempt
            self.startedAt = startedAt
            self.finishedAt = finishedAt
            self.result = result
            self.detail = detail
        }
    }

    /// The events, in the order they were stored (by `seq`).
    public var events: [EventRow]
    /// The highest event number handed out (at least the highest `seq`; higher when numbers were
    /// used by events no longer stored, or moved past by an import): the target assigns above it.
    public var lastEventNumber: Int64
    /// By contact id, ordered by its bytes.
    public var firstSeen: [FirstSeenRow]
    /// By name, ordered by its bytes.
    public var meta: [MetaRow]
    /// By key, ordered by its bytes.
    public var outbox: [OutboxRow]
    /// In the order the attempts were recorded.
    public var deliveries: [DeliveryRow]

    public init(
        events: [EventRow] = [], lastEventNumber: Int64 = 0, firstSeen: [FirstSeenRow] = [], meta: [MetaRow] = [],
        outbox: [OutboxRow] = [], deliveries: [DeliveryRow] = []
    ) {
        self.events = events
        self.lastEventNumber = lastEventNumber
        self.firstSeen = firstSeen
        self.meta = meta
        self.outbox = outbox
        self.deliveries = deliveries
    }

    /// Whether there is nothing in it (``lastEventNumber`` aside).
    public var isEmpty: Bool {
        events.isEmpty && firstSeen.isEmpty && meta.isEmpty && outbox.isEmpty && deliveries.isEmpty
    }

    /// The number the event sequence of a store holding this must stand at: never below an event's
    /// number.
    public var eventSequence: Int64 {
        max(lastEventNumber, events.lazy.map(\.seq).max() ?? 0)
    }
}

/// A ``StateStore`` whose whole contents can be read and replaced, for `tickler state copy`.
///
/// Both are meant for a store no daemon is using: a copy taken while one runs is consistent (one
/// snapshot) but misses what it does afterwards.
public protocol CopyableStore: StateStore {
    /// Whether the store holds no events, first-seen times, outbox entries, delivery attempts or
    /// named values.
    func isEmpty() throws(StoreError) -> Bool
    /// Everything the store holds, read in one snapshot.
    func contents() throws(StoreError) -> StoreContents
    /// In one transaction, all or nothing: deletes everything the store holds and stores `contents`
    /// instead, with the event sequence at ``StoreContents/eventSequence`` — so the store never
    /// assigns a number the copied store had handed out — or, when the store itself had handed out
    /// higher numbers before, there (a number names one event for good: reminders sent for the
    /// events it replaces carry theirs in their keys).
    func replaceContents(with contents: StoreContents) throws(StoreError)
}
