import GRDB
import TicklerCore

/// What an import did.
public struct ImportResult: Sendable, Hashable {
    /// Events stored.
    public var inserted: Int
    /// Events already present with the same content, left as they were.
    public var skipped: Int

    public init(inserted: Int = 0, skipped: Int = 0) {
        self.inserted = inserted
        self.skipped = skipped
    }
}

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
        if Self.hasNUL(contact, type, note) { throw Self.nulError(path: path) }
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

    /// Stores `events` (ids required) in one transaction: all of them, or none when any fails.
    /// See "Event ids" above for what happens to ids that are already stored.
    @discardableResult
    public func importEvents(_ events: [Event], recordedAt: Int64 = SQLiteStore.now()) throws(StoreError)
        -> ImportResult
    {
        try importEvents(events.map(ImportedEvent.init), recordedAt: recordedAt)
    }

    /// Stores `events` in one transaction: all of them, or none when any fails. Events without an id
    /// get one; see "Event ids" above for ids that are already stored.
    @discardableResult
    public func importEvents(_ events: [ImportedEvent], recordedAt: Int64 = SQLiteStore.now()) throws(StoreError)
        -> ImportResult
    {
        if events.contains(where: { $0.id?.isEmpty == true }) {
            throw StoreError(
                .invalidEvent, "cannot import an event with an empty id into the state store '\(path)'",
                note: "leave the id out (nil) to have the store assign one")
        }
        if events.contains(where: { Self.hasNUL($0.id) || Self.hasNUL($0.contact, $0.type, $0.note) }) {
            throw Self.nulError(path: path)
        }
        let path = path
        return try write("import events into") { db in
            let highestNumber = events.compactMap { $0.id.flatMap(Self.sequenceNumber(ofID:)) }.max() ?? 0
            try Self.raiseSequence(db, to: highestNumber)
            // Statements prepared once for the whole import, not once per event.
            let sameContent = try db.cachedStatement(
                sql: "SELECT 1 FROM events WHERE contact = ? AND type = ? AND at = ? AND note IS ? LIMIT 1")
            let storedWithID = try db.cachedStatement(sql: "SELECT * FROM events WHERE id = ?")
            let numberTaken = try db.cachedStatement(sql: "SELECT 1 FROM events WHERE seq = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO events (seq, id, contact, type, at, note, recorded_at, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'import')
                    """)
            var result = ImportResult()
            var conflicts: [String] = []
            for event in events {
                if let id = event.id {
                    if let stored = try EventRecord.fetchOne(storedWithID, arguments: [id]) {
                        if stored.hasSameContent(as: event) {
                            result.skipped += 1
                        } else if !conflicts.contains(id) {
                            conflicts.append(id)
                        }
                        continue
                    }
                    // A plain number takes that place in the sequence when it is free, so `"250"` sits
                    // where the store would have put its 250th event; elsewhere SQLite numbers it.
                    var seq = Self.sequenceNumber(ofID: id)
                    if let number = seq, try Bool.fetchOne(numberTaken, arguments: [number]) != nil { seq = nil }
                    try insert.execute(arguments: [
                        seq, id, event.contact, event.type, event.at, event.note, recordedAt,
                    ])
                } else {
                    let arguments: StatementArguments = [event.contact, event.type, event.at, event.note]
                    if try Bool.fetchOne(sameContent, arguments: arguments) != nil {
                        result.skipped += 1
                        continue
                    }
                    let seq = try Self.nextSequence(db)
                    try insert.execute(
                        arguments: [seq, String(seq), event.contact, event.type, event.at, event.note, recordedAt])
                }
                result.inserted += 1
            }
            guard conflicts.isEmpty else { throw Self.conflictError(conflicts, path: path) }
            return result
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

    /// Whether any of `texts` contains U+0000, which SQLite's C strings would cut off on reading.
    static func hasNUL(_ texts: String?...) -> Bool {
        texts.contains { $0?.utf8.contains(0) == true }
    }

    static func nulError(path: String) -> StoreError {
        StoreError(
            .invalidEvent, "cannot store an event containing a NUL character in the state store '\(path)'",
            note: "remove the U+0000 character from the event's id, contact, type or note")
    }

    private static func conflictError(_ ids: [String], path: String) -> StoreError {
        let shown = ids.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
        let subject = ids.count == 1 ? "event id \(shown) is" : "\(ids.count) event ids (\(shown)) are"
        return StoreError(
            .conflictingEvents,
            "\(subject) already used by other events in the state store '\(path)'; nothing was imported",
            note:
                "an id names one event: re-importing it with the same contact, type, time and note is skipped, "
                + "anything else is refused; plain numbers are also the ids Tickler assigns, so prefix ids "
                + "from elsewhere, e.g. 'crm-17'",
            eventIDs: ids)
    }

    /// The number a plain decimal id stands for (`"250"` → 250): ASCII digits, no leading zero, at
    /// most 18 digits (so the sequence cannot overflow). `nil` for any other id.
    static func sequenceNumber(ofID id: String) -> Int64? {
        let digits = id.utf8
        guard (1...18).contains(digits.count),
            digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            digits.count == 1 || digits.first != UInt8(ascii: "0")
        else { return nil }
        return Int64(id)
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
