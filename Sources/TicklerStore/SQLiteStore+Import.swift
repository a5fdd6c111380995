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

extension SQLiteStore {
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
    ///
    /// The cost is SQLite's: each event is inserted into the table and its indexes. The statements
    /// are prepared once and run through SQLite's C interface (`RowStatement`). When the table is
    /// empty and the import large (`bulkImport`), the secondary indexes are dropped and built again
    /// after the inserts, in the same transaction, from sorted keys rather than one random insert
    /// each (a fifth less time for 100,000 events).
    @discardableResult
    public func importEvents(_ events: [ImportedEvent], recordedAt: Int64 = SQLiteStore.now()) throws(StoreError)
        -> ImportResult
    {
        if events.contains(where: { $0.id?.isEmpty == true }) {
            throw StoreRules.emptyIDError(place: path)
        }
        if events.contains(where: { StoreRules.hasNUL($0.id) || StoreRules.hasNUL($0.contact, $0.type, $0.note) }) {
            throw StoreRules.nulError(place: path)
        }
        let path = path
        return try write("import events into") { db in
            let highestNumber = events.compactMap { $0.id.flatMap(StoreRules.sequenceNumber(ofID:)) }.max() ?? 0
            try Self.raiseSequence(db, to: highestNumber)
            var run = try EventImport(
                db, recordedAt: recordedAt, count: events.count, withoutIDs: events.contains { $0.id == nil })
            let indexes = run.isBulk ? try Self.dropIndexes(db) : []
            for event in events { try run.add(event) }
            run.finish()
            guard run.conflicts.isEmpty else { throw StoreRules.conflictError(run.conflicts, place: path) }
            for sql in indexes { try db.execute(sql: sql) }
            return run.result
        }
    }

    /// Imports of at least this many events into an empty table build its indexes afterwards.
    static let bulkImport = 10_000

    /// Drops the indexes of `events` that its migrations created (not the one behind `UNIQUE`) and
    /// returns the SQL that creates them again, as stored in the schema.
    private static func dropIndexes(_ db: Database) throws -> [String] {
        let indexes = try Row.fetchAll(
            db,
            sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL"
        )
        for index in indexes {
            let name: String = index["name"]
            try db.execute(sql: "DROP INDEX \(name.quotedDatabaseIdentifier)")
        }
        return indexes.map { $0["sql"] }
    }
}

/// The events of one import going into the table, one at a time, inside its transaction.
private struct EventImport {
    let recordedAt: Int64
    /// Whether the table was empty and the import is large: then the indexes are built afterwards,
    /// and an event without an id is compared with the ones this import stored (the table holds no
    /// others) in memory rather than with a query that would have no index.
    let isBulk: Bool
    /// Whether the contents of the events stored are kept for that (when some event has no id).
    private let keepsContents: Bool
    private(set) var result = ImportResult()
    /// The ids stored with other content, in the order the import gives them.
    private(set) var conflicts: [String] = []
    private var conflicting = Set<String>()
    /// The number the next event without an id gets, kept as events are inserted.
    private var next: Int64
    /// With `keepsContents`: the contents of the events stored so far.
    private var stored = Set<Content>()

    private let insert: RowStatement
    private let storedWithID: RowStatement
    private let numberTaken: RowStatement
    private let sameContent: RowStatement

    init(_ db: Database, recordedAt: Int64, count: Int, withoutIDs: Bool) throws {
        self.recordedAt = recordedAt
        next = try SQLiteStore.nextSequence(db)
        let isEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM events)") ?? false
        isBulk = isEmpty && count >= SQLiteStore.bulkImport
        keepsContents = isBulk && withoutIDs
        // Not `ON CONFLICT (id) DO NOTHING`, which would save the look-up by id: an insert that does
        // nothing still moves the AUTOINCREMENT sequence on, and re-importing would burn numbers.
        insert = try RowStatement(
            db,
            sql: """
                INSERT INTO events (seq, id, contact, type, at, note, recorded_at, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'import')
                """)
        storedWithID = try RowStatement(db, sql: "SELECT contact, type, at, note FROM events WHERE id = ?")
        numberTaken = try RowStatement(db, sql: "SELECT 1 FROM events WHERE seq = ?")
        sameContent = try RowStatement(
            db, sql: "SELECT 1 FROM events WHERE contact = ? AND type = ? AND at = ? AND note IS ? LIMIT 1")
    }

    mutating func add(_ event: ImportedEvent) throws {
        if let id = event.id {
            // Into a table with events, an id is looked up first (a re-import finds every one);
            // into an empty one, only a repeat within this import can be stored, and the insert
            // finds it (the unique index refuses the row).
            if !isBulk, try isStored(id: id) {
                compareStored(event, id: id)
                return
            }
            // A plain number takes that place in the sequence when it is free, so `"250"` sits
            // where the store would have put its 250th event; elsewhere SQLite numbers it.
            var seq = StoreRules.sequenceNumber(ofID: id)
            if let number = seq {
                numberTaken.reset()
                numberTaken.bind(1, number)
                if try numberTaken.step() { seq = nil }
            }
            insert.bind(event, seq: seq, id: id, recordedAt: recordedAt)
            guard try insert.insert() else {
                guard try isStored(id: id) else {
                    throw DatabaseError(resultCode: .SQLITE_CONSTRAINT_UNIQUE, message: "UNIQUE constraint failed")
                }
                compareStored(event, id: id)
                return
            }
        } else {
            if try isStored(event) {
                result.skipped += 1
                return
            }
            insert.bind(event, seq: next, id: String(next), recordedAt: recordedAt)
            try insert.execute()
        }
        next = max(next, insert.lastInsertedRowID + 1)
        if keepsContents { stored.insert(Content(event)) }
        result.inserted += 1
    }

    /// Leaves the statements reset, so that none holds the table while its indexes are built.
    func finish() {
        for statement in [insert, storedWithID, numberTaken, sameContent] { statement.reset() }
    }

    /// Whether an event with `id` is stored; then `storedWithID` is on its row.
    private func isStored(id: String) throws -> Bool {
        storedWithID.reset()
        storedWithID.bind(1, id)
        return try storedWithID.step()
    }

    /// The event with an id that is stored already (`storedWithID`'s row): the same event is
    /// skipped, another is a conflict.
    private mutating func compareStored(_ event: ImportedEvent, id: String) {
        if storedWithID.text(0) == event.contact, storedWithID.text(1) == event.type,
            storedWithID.integer(2) == event.at, storedWithID.text(3) == event.note
        {
            result.skipped += 1
        } else if conflicting.insert(id).inserted {
            conflicts.append(id)
        }
    }

    /// Whether an event with the same contact, type, time and note is stored.
    private func isStored(_ event: ImportedEvent) throws -> Bool {
        if isBulk { return stored.contains(Content(event)) }
        sameContent.reset()
        sameContent.bind(1, event.contact)
        sameContent.bind(2, event.type)
        sameContent.bind(3, event.at)
        sameContent.bind(4, event.note)
        return try sameContent.step()
    }
}

/// What `sameContent` compares: contact, type, time and note, texts by their bytes (as SQLite
/// compares them, where Swift's `==` takes canonically equivalent texts as equal).
private struct Content: Hashable {
    var contact: String
    var type: String
    var at: Int64
    var note: String?

    init(_ event: ImportedEvent) {
        (contact, type, at, note) = (event.contact, event.type, event.at, event.note)
    }

    static func == (a: Content, b: Content) -> Bool {
        a.at == b.at && a.contact.utf8.elementsEqual(b.contact.utf8) && a.type.utf8.elementsEqual(b.type.utf8)
            && (a.note == nil) == (b.note == nil) && (a.note ?? "").utf8.elementsEqual((b.note ?? "").utf8)
    }

    func hash(into hasher: inout Hasher) {
        func combine(_ text: String) {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
        hasher.combine(at)
        combine(contact)
        combine(type)
        combine(note ?? "")
        hasher.combine(note == nil)
    }
}

extension RowStatement {
    /// Binds the columns of an `events` insert: seq, id, contact, type, at, note, recorded_at.
    fileprivate func bind(_ event: ImportedEvent, seq: Int64?, id: String, recordedAt: Int64) {
        reset()
        bind(1, seq)
        bind(2, id)
        bind(3, event.contact)
        bind(4, event.type)
        bind(5, event.at)
        bind(6, event.note)
        bind(7, recordedAt)
    }
}
