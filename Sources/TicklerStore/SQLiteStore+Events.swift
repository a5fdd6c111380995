import GRDB
import TicklerCore

/// Events: what was recorded for which contact, when.
///
/// ## Event ids
/// An id is part of `after` rules' occurrence keys (`thank-you/acme-zhang/17`), so it names one
/// event for good:
/// - The store assigns ids as decimal numbers, `"1"`, `"2"`, …, from an ever-increasing sequence
///   (never reused, not even after a delete).
/// - An import may give its own ids, any text the CSV command accepts. An id that is a plain decimal
///   number (`"250"`: digits, no leading zero, at most 18 of them) is allowed too, and moves the
///   sequence past it, so the store never assigns that number to another event. This keeps ids
///   when events are exported from one store and imported into another.
/// - Importing an id that is already stored with the same contact, type, time and note skips it
///   (re-importing a file is a no-op); with any other content the whole import is refused with
///   ``StoreError/Kind-swift.struct/conflictingEvents``, naming every such id.
/// - An imported event without an id is skipped when an event with the same contact, type, time and
///   note is already stored (so re-importing a file without ids is a no-op too); otherwise it gets
///   the next number.
extension SQLiteStore {
    /// Stores a new event and returns it with its assigned id.
    @discardableResult
    public func addEvent(
        contact: String, type: String, at: Int64, note: String? = nil, recordedAt: Int64 = SQLiteStore.now(),
        source: String = EventSource.cli
    ) throws(StoreError) -> Event {
        if StoreRules.hasNUL(contact, type, note) { throw StoreRules.nulError(place: path) }
        return try write("record an event in") { db in
            let seq = try Self.nextSequence(db)
            let record = EventRecord(
                seq: seq, id: String(seq), contact: contact, type: type, at: at, note: note, recordedAt: recordedAt,
                source: source)
            try record.insert(db)
            return record.event
        }
    }

    /// The events, optionally of one contact and of one type, ordered by time, then by when they
    /// were stored.
    public func events(contact: String? = nil, type: String? = nil) throws(StoreError) -> [Event] {
        try read("read the events in") { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let contact {
                conditions.append("contact = ?")
                arguments += [contact]
            }
            if let type {
                conditions.append("type = ?")
                arguments += [type]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, contact, type, at, note FROM events\(filter) ORDER BY at, seq",
                arguments: arguments)
            var events: [Event] = []
            while let row = try rows.next() {
                events.append(Event(id: row[0], contact: row[1], type: row[2], at: row[3], note: row[4]))
            }
            return events
        }
    }

    /// Every event, ordered by time, then by when they were stored.
    public func allEvents() throws(StoreError) -> [Event] {
        try events()
    }

    /// Every event, not by time but in the order they were stored: one scan of the table (`seq` is
    /// its rowid), several times faster than `allEvents()` for many events (whose order walks an
    /// index and fetches each row from the table), for callers that order them by time themselves
    /// (`EventIndex`, which keeps this order among events at the same instant).
    public func unorderedEvents() throws(StoreError) -> [Event] {
        try read("read the events in") { db in
            let rows = try Row.fetchCursor(db, sql: "SELECT id, contact, type, at, note FROM events ORDER BY seq")
            var events: [Event] = []
            events.reserveCapacity(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0)
            while let row = try rows.next() {
                events.append(Event(id: row[0], contact: row[1], type: row[2], at: row[3], note: row[4]))
            }
            return events
        }
    }

    /// The events stored after sequence number `sequence` (0: all), in the order they were stored,
    /// and the highest sequence number stored: what a running daemon reads when the store changed,
    /// to learn about events recorded by `tickler event add` or `import` without reading them all
    /// again.
    public func events(afterSequence sequence: Int64) throws(StoreError) -> (events: [Event], last: Int64) {
        try read("read the events in") { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, contact, type, at, note FROM events WHERE seq > ? ORDER BY seq",
                arguments: [sequence])
            var events: [Event] = []
            while let row = try rows.next() {
                events.append(Event(id: row[0], contact: row[1], type: row[2], at: row[3], note: row[4]))
            }
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM events") ?? sequence
            return (events, max(last, sequence))
        }
    }

    /// The events, optionally of one contact and of one type, with where each came from, ordered as
    /// ``events(contact:type:)`` orders them.
    public func listedEvents(contact: String? = nil, type: String? = nil) throws(StoreError) -> [ListedEvent] {
        try read("read the events in") { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, contact, type, at, note, source FROM events
                    WHERE (?1 IS NULL OR contact = ?1) AND (?2 IS NULL OR type = ?2) ORDER BY at, seq
                    """, arguments: [contact, type])
            var events: [ListedEvent] = []
            while let row = try rows.next() {
                events.append(
                    ListedEvent(
                        event: Event(id: row[0], contact: row[1], type: row[2], at: row[3], note: row[4]),
                        source: row[5]))
            }
            return events
        }
    }

    /// How many events each source recorded (`cli`, `import`, a token's name); events stored before
    /// sources were kept count as `cli`.
    public func eventCountsBySource() throws(StoreError) -> [String: Int] {
        try read("count the events in") { db in
            var counts: [String: Int] = [:]
            let rows = try Row.fetchCursor(
                db, sql: "SELECT COALESCE(source, 'cli'), COUNT(*) FROM events GROUP BY COALESCE(source, 'cli')")
            while let row = try rows.next() { counts[row[0]] = row[1] }
            return counts
        }
    }

    /// The next number to assign: above every number handed out or imported so far.
    static func nextSequence(_ db: Database) throws -> Int64 {
        let handedOut =
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'")) ?? 0
        let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM events")) ?? 0
        return max(handedOut, highest) + 1
    }

    /// Moves the sequence to at least `number`, so the store never assigns it.
    static func raiseSequence(_ db: Database, to number: Int64) throws {
        guard number > 0 else { return }
        if try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") == nil {
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)", arguments: [number])
        } else {
            try db.execute(
                sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'events' AND seq < ?",
                arguments: [number, number])
        }
    }
}
