import GRDB
import TicklerCore

/// Where events come from, as `tickler event list` shows and the metrics count them.
public enum EventSource {
    /// `tickler event add`.
    public static let cli = "cli"
    /// `tickler event import`.
    public static let `import` = "import"
}

/// An event with where it came from.
public struct ListedEvent: Sendable, Hashable {
    public var event: Event
    /// `cli`, `import` or an HTTP token's name; `nil` for events stored before sources were kept.
    public var source: String?

    public init(event: Event, source: String?) {
        self.event = event
        self.source = source
    }
}

/// One event of an HTTP request, checked, to be recorded.
public struct IncomingEvent: Sendable, Hashable {
    public var contact: String
    public var type: String
    public var at: Int64
    public var note: String?
    /// The sender's id for it (`id`, or a signed request's `webhook-id`): recorded once per source.
    public var senderID: String?

    public init(contact: String, type: String, at: Int64, note: String? = nil, senderID: String? = nil) {
        self.contact = contact
        self.type = type
        self.at = at
        self.note = note
        self.senderID = senderID
    }
}

/// The events of one request, from one source.
public struct EventBatch: Sendable, Hashable {
    public var source: String
    public var events: [IncomingEvent]

    public init(source: String, events: [IncomingEvent]) {
        self.source = source
        self.events = events
    }
}

/// What became of one incoming event: its number (and id, the same number as text), and whether
/// its sender id had been recorded before — then nothing was recorded and the number is the first one.
public struct RecordedEvent: Sendable, Hashable {
    public var number: Int64
    public var duplicate: Bool

    public init(number: Int64, duplicate: Bool) {
        self.number = number
        self.duplicate = duplicate
    }
}

extension SQLiteStore {
    /// Records the events of several requests in one transaction (a group commit: requests that
    /// arrive together share its cost), and returns, batch by batch and in order, what became of
    /// each. Nothing is recorded when it fails.
    public func recordEvents(_ batches: [EventBatch], recordedAt: Int64) throws(StoreError) -> [[RecordedEvent]] {
        if batches.contains(where: { batch in
            batch.events.contains { StoreRules.hasNUL($0.contact, $0.type, $0.note, $0.senderID) }
        }) {
            throw StoreRules.nulError(place: path)
        }
        return try write("record events in") { db in
            let known = try db.cachedStatement(sql: "SELECT seq FROM events WHERE source = ? AND sender_id = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO events (seq, id, contact, type, at, note, recorded_at, source, sender_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var next = try Self.nextSequence(db)
            return try batches.map { batch in
                try batch.events.map { event in
                    if let sender = event.senderID,
                        let number = try Int64.fetchOne(known, arguments: [batch.source, sender])
                    {
                        return RecordedEvent(number: number, duplicate: true)
                    }
                    let number = next
                    next += 1
                    try insert.execute(arguments: [
                        number, String(number), event.contact, event.type, event.at, event.note, recordedAt,
                        batch.source, event.senderID,
                    ])
                    return RecordedEvent(number: number, duplicate: false)
                }
            }
        }
    }
}
