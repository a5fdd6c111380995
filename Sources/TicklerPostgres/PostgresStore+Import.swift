import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// `tickler event import` and `state copy` into PostgreSQL: the same rules as SQLite's import (an
/// id stored with the same content is skipped, with other content refused; a plain number keeps its
/// place in the sequence when it is free), decided in memory against the rows the import could
/// collide with, then the new rows sent in one `COPY`.
extension PostgresStore {
    @discardableResult
    public func importEvents(_ events: [ImportedEvent], recordedAt: Int64) throws(StoreError) -> ImportResult {
        let place = "\(location)"
        if events.contains(where: { $0.id?.isEmpty == true }) { throw StoreRules.emptyIDError(place: place) }
        if events.contains(where: { StoreRules.hasNUL($0.id) || StoreRules.hasNUL($0.contact, $0.type, $0.note) }) {
            throw StoreRules.nulError(place: place)
        }
        return try transaction("import events into", timeout: Self.bulkTimeout) { connection in
            let counter = try await self.lockCounter(connection)
            let stored = try await self.collisions(of: events, on: connection)
            // As SQLite's import: the numbers the store hands out go on after the highest plain
            // number among the import's ids, whether it comes first or last (or is skipped).
            let highest = events.compactMap { $0.id.flatMap(StoreRules.sequenceNumber(ofID:)) }.max() ?? 0
            var plan = ImportPlan(stored: stored, next: max(counter, highest) + 1)
            var rows = CopyRows()
            for event in events {
                guard let (seq, id) = plan.add(event) else { continue }
                rows.event(seq: seq, id: id, event, recordedAt: recordedAt, source: EventSource.import, senderID: nil)
            }
            guard plan.conflicts.isEmpty else { throw StoreRules.conflictError(plan.conflicts, place: place) }
            try await rows.copy(into: "events", columns: Self.eventColumns, on: connection, logger: self.logger)
            let last = max(highest, plan.highestSeq, counter)
            if last > counter || plan.result.inserted > 0 { try await self.finishNumbering(connection, last: last) }
            return plan.result
        }
    }

    /// The stored events an import can meet: those with its ids, those at its plain numbers, and
    /// (for events without an id) those with the same contact, type and time — each once, however
    /// many of the import's events share that contact, type and time.
    private func collisions(of events: [ImportedEvent], on connection: PostgresConnection) async throws
        -> ImportPlan.Stored
    {
        var stored = ImportPlan.Stored()
        let ids = events.compactMap(\.id)
        let numbers = ids.compactMap(StoreRules.sequenceNumber(ofID:))
        for slice in ids.chunks(of: 50_000) {
            let rows = try await connection.query(
                "SELECT id, contact, type, at, note FROM events WHERE id = ANY(\(Array(slice)))", logger: logger)
            for try await (id, contact, type, at, note) in rows.decode((String, String, String, Int64, String?).self) {
                stored.byID[id] = ImportPlan.Content(contact: contact, type: type, at: at, note: note)
            }
        }
        for slice in numbers.chunks(of: 50_000) {
            let rows = try await connection.query(
                "SELECT seq FROM events WHERE seq = ANY(\(Array(slice)))", logger: logger)
            for try await seq in rows.decode(Int64.self) { stored.takenNumbers.insert(seq) }
        }
        let anonymous = events.filter { $0.id == nil }
        for slice in anonymous.chunks(of: 50_000) {
            let rows = try await connection.query(
                """
                SELECT e.contact, e.type, e.at, e.note FROM events AS e
                JOIN (SELECT DISTINCT * FROM unnest(\(slice.map(\.contact)), \(slice.map(\.type)), \(slice.map(\.at))))
                    AS i (contact, type, at)
                ON e.contact = i.contact AND e.type = i.type AND e.at = i.at
                """, logger: logger)
            for try await (contact, type, at, note) in rows.decode((String, String, Int64, String?).self) {
                stored.contents.insert(ImportPlan.Content(contact: contact, type: type, at: at, note: note))
            }
        }
        return stored
    }
}

/// What an import does with each event, given what is stored.
private struct ImportPlan {
    struct Content: Hashable {
        var contact: String
        var type: String
        var at: Int64
        var note: String?

        init(contact: String, type: String, at: Int64, note: String?) {
            (self.contact, self.type, self.at, self.note) = (contact, type, at, note)
        }

        init(_ event: ImportedEvent) {
            self.init(contact: event.contact, type: event.type, at: event.at, note: event.note)
        }

        /// Byte for byte, as the database compares texts (Swift's `==` takes canonically equivalent
        /// texts as equal).
        static func == (a: Content, b: Content) -> Bool {
            a.at == b.at && a.contact.utf8.elementsEqual(b.contact.utf8) && a.type.utf8.elementsEqual(b.type.utf8)
                && (a.note == nil) == (b.note == nil) && (a.note ?? "").utf8.elementsEqual((b.note ?? "").utf8)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(at)
            for text in [contact, type, note ?? ""] {
                hasher.combine(text.utf8.count)
                for byte in text.utf8 { hasher.combine(byte) }
            }
            hasher.combine(note == nil)
        }
    }

    struct Stored {
        var byID: [String: Content] = [:]
        var takenNumbers = Set<Int64>()
        var contents = Set<Content>()
    }

    var stored: Stored
    var next: Int64
    var result = ImportResult()
    var conflicts: [String] = []
    var highestSeq: Int64 = 0
    private var conflicting = Set<String>()

    init(stored: Stored, next: Int64) {
        self.stored = stored
        self.next = next
    }

    /// The number and id `event` is stored with, or `nil` when it is skipped or conflicts.
    mutating func add(_ event: ImportedEvent) -> (Int64, String)? {
        let content = Content(event)
        guard let id = event.id else {
            if stored.contents.contains(content) {
                result.skipped += 1
                return nil
            }
            let seq = take()
            stored.contents.insert(content)
            result.inserted += 1
            return (seq, String(seq))
        }
        if let existing = stored.byID[id] {
            if existing == content {
                result.skipped += 1
            } else if conflicting.insert(id).inserted {
                conflicts.append(id)
            }
            return nil
        }
        var seq: Int64
        if let number = StoreRules.sequenceNumber(ofID: id), !stored.takenNumbers.contains(number) {
            seq = number
            stored.takenNumbers.insert(number)
            next = max(next, number + 1)
        } else {
            seq = take()
        }
        stored.byID[id] = content
        // An event without an id that repeats this one later in the import is skipped, as one
        // that repeats a stored event is.
        stored.contents.insert(content)
        highestSeq = max(highestSeq, seq)
        result.inserted += 1
        return (seq, id)
    }

    private mutating func take() -> Int64 {
        while stored.takenNumbers.contains(next) { next += 1 }
        let seq = next
        next += 1
        stored.takenNumbers.insert(seq)
        highestSeq = max(highestSeq, seq)
        return seq
    }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
