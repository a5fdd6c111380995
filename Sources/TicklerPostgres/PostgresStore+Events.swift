import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// Events, numbered and idempotent as in SQLite (see `SQLiteStore`'s "Event ids"). Every
/// transaction that adds events first locks the one `event_counter` row, so numbers follow commit
/// order, and notifies `tickler_events`, which reaches every listening replica when it commits.
extension PostgresStore {
    /// The channel replicas listen on for new events.
    static let eventsChannel = "tickler_events"

    @discardableResult
    public func addEvent(
        contact: String, type: String, at: Int64, note: String? = nil, recordedAt: Int64, source: String
    ) throws(StoreError) -> Event {
        if StoreRules.hasNUL(contact, type, note) { throw StoreRules.nulError(place: "\(location)") }
        return try transaction("record an event in") { connection in
            let seq = try await self.lockCounter(connection) + 1
            try await connection.query(
                """
                INSERT INTO events (seq, id, contact, type, at, note, recorded_at, source)
                VALUES (\(seq), \(String(seq)), \(contact), \(type), \(at), \(note), \(recordedAt), \(source))
                """, logger: self.logger)
            try await self.finishNumbering(connection, last: seq)
            return Event(id: String(seq), contact: contact, type: type, at: at, note: note)
        }
    }

    public func recordEvents(_ batches: [EventBatch], recordedAt: Int64) throws(StoreError) -> [[RecordedEvent]] {
        if batches.contains(where: { batch in
            batch.events.contains { StoreRules.hasNUL($0.contact, $0.type, $0.note, $0.senderID) }
        }) {
            throw StoreRules.nulError(place: "\(location)")
        }
        return try transaction("record events in") { connection in
            // The counter first: once it is held, every earlier transaction has committed, and the
            // look-ups below see every sender id recorded before.
            let first = try await self.lockCounter(connection)
            var next = first + 1
            var seen: [String: [String: Int64]] = [:]
            var rows = CopyRows()
            var results: [[RecordedEvent]] = []
            for batch in batches {
                let senders = batch.events.compactMap(\.senderID)
                var known = seen[batch.source] ?? [:]
                if !senders.isEmpty {
                    let found = try await connection.query(
                        "SELECT sender_id, seq FROM events WHERE source = \(batch.source) AND sender_id = ANY(\(senders))",
                        logger: self.logger)
                    for try await (sender, seq) in found.decode((String, Int64).self) { known[sender] = seq }
                }
                var recorded: [RecordedEvent] = []
                for event in batch.events {
                    if let sender = event.senderID, let number = known[sender] {
                        recorded.append(RecordedEvent(number: number, duplicate: true))
                        continue
                    }
                    let number = next
                    next += 1
                    if let sender = event.senderID { known[sender] = number }
                    rows.event(
                        seq: number, id: String(number),
                        ImportedEvent(
                            contact: event.contact, type: event.type, at: event.at, note: event.note),
                        recordedAt: recordedAt, source: batch.source, senderID: event.senderID)
                    recorded.append(RecordedEvent(number: number, duplicate: false))
                }
                seen[batch.source] = known
                results.append(recorded)
            }
            try await rows.copy(into: "events", columns: Self.eventColumns, on: connection, logger: self.logger)
            if next > first + 1 { try await self.finishNumbering(connection, last: next - 1) }
            return results
        }
    }

    public func events(contact: String? = nil, type: String? = nil) throws(StoreError) -> [Event] {
        try listedEvents(contact: contact, type: type).map(\.event)
    }

    public func listedEvents(contact: String? = nil, type: String? = nil) throws(StoreError) -> [ListedEvent] {
        try call("read the events in") { client in
            let rows = try await client.query(
                """
                SELECT id, contact, type, at, note, source FROM events
                WHERE (\(contact)::text IS NULL OR contact = \(contact)) AND (\(type)::text IS NULL OR type = \(type))
                ORDER BY at, seq
                """, logger: self.logger)
            var events: [ListedEvent] = []
            for try await (id, contact, type, at, note, source) in rows.decode(
                (String, String, String, Int64, String?, String?).self)
            {
                events.append(
                    ListedEvent(event: Event(id: id, contact: contact, type: type, at: at, note: note), source: source))
            }
            return events
        }
    }

    public func unorderedEvents() throws(StoreError) -> [Event] {
        try events(afterSequence: 0).events
    }

    public func events(afterSequence sequence: Int64) throws(StoreError) -> (events: [Event], last: Int64) {
        try call("read the events in", timeout: Self.bulkTimeout) { client in
            let rows = try await client.query(
                "SELECT id, contact, type, at, note, seq FROM events WHERE seq > \(sequence) ORDER BY seq",
                logger: self.logger)
            var events: [Event] = []
            var last = sequence
            for try await (id, contact, type, at, note, seq) in rows.decode(
                (String, String, String, Int64, String?, Int64).self)
            {
                events.append(Event(id: id, contact: contact, type: type, at: at, note: note))
                last = seq
            }
            return (events, last)
        }
    }

    public func eventCountsBySource() throws(StoreError) -> [String: Int] {
        try call("count the events in") { client in
            let rows = try await client.query(
                "SELECT COALESCE(source, 'cli'), count(*) FROM events GROUP BY 1", logger: self.logger)
            var counts: [String: Int] = [:]
            for try await (source, count) in rows.decode((String, Int).self) { counts[source] = count }
            return counts
        }
    }

    // MARK: - Numbering

    static let eventColumns = ["seq", "id", "contact", "type", "at", "note", "recorded_at", "source", "sender_id"]

    /// Locks the counter row for this transaction and returns the highest number handed out.
    func lockCounter(_ connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query("SELECT last FROM event_counter FOR UPDATE", logger: logger)
        for try await last in rows.decode(Int64.self) { return last }
        throw StoreError(
            .damaged, "the state store '\(location)' has lost its event counter",
            note: "restore the store from a backup, or copy it to a new one with 'tickler state copy'")
    }

    /// Moves the counter to `last` and tells the listening replicas, both on commit.
    func finishNumbering(_ connection: PostgresConnection, last: Int64) async throws {
        try await connection.query("UPDATE event_counter SET last = GREATEST(last, \(last))", logger: logger)
        try await connection.query("SELECT pg_notify(\(Self.eventsChannel), \(String(last)))", logger: logger)
    }
}

extension CopyRows {
    /// One `events` row in ``PostgresStore/eventColumns``' order.
    mutating func event(
        seq: Int64, id: String, _ event: ImportedEvent, recordedAt: Int64, source: String?, senderID: String?
    ) {
        append(seq)
        append(id)
        append(event.contact)
        append(event.type)
        append(event.at)
        append(event.note)
        append(recordedAt)
        append(source)
        append(senderID)
        endRow()
    }
}
