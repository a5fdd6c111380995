import GRDB
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Large imports into an empty store insert the rows first and build the indexes afterwards; what
/// they store, skip and refuse must be what the row-by-row way gives (an import into a store that
/// holds an event already, or a small one).
@Suite struct SQLiteStoreImportTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func store(_ name: String) throws -> SQLiteStore {
        try SQLiteStore.open(path: directory.path(name + ".sqlite"))
    }

    /// 12,000 events: ids of this import's own, plain numbers, none; notes and none.
    func events(count: Int = 12_000) -> [ImportedEvent] {
        (1...count).map { number in
            let id: String? =
                switch number % 4 {
                case 0: "crm-\(number)"
                case 1: number % 8 == 1 ? String(number * 3) : nil
                default: nil
                }
            return ImportedEvent(
                id: id, contact: "c\(number % 20)", type: ["purchase", "call"][number % 2],
                at: 1_700_000_000 + Int64(number % 30) * 60, note: number % 3 == 0 ? "回访 \(number % 10)" : nil)
        }
    }

    /// The events imported the row-by-row way: the first one alone, then the others into a store
    /// that is no longer empty.
    func importStepwise(_ events: [ImportedEvent], into store: SQLiteStore) throws -> ImportResult {
        let first = try store.importEvents(Array(events.prefix(1)))
        let rest = try store.importEvents(Array(events.dropFirst()))
        return ImportResult(inserted: first.inserted + rest.inserted, skipped: first.skipped + rest.skipped)
    }

    func schema(_ store: SQLiteStore) throws -> [String] {
        try DatabaseQueue(path: store.path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
    }

    @Test func aLargeImportStoresWhatTheRowByRowWayStores() throws {
        let events = events()
        let bulk = try store("bulk")
        let stepwise = try store("stepwise")
        let result = try bulk.importEvents(events, recordedAt: 1)
        #expect(try importStepwise(events, into: stepwise) == result)
        #expect(result.inserted > 3_000 && result.skipped > 3_000)  // contents repeat among the events without ids
        #expect(try bulk.listedEvents() == stepwise.listedEvents())
        #expect(try bulk.listedEvents(contact: "c5") == stepwise.listedEvents(contact: "c5"))
        // The indexes are back, as the migrations made them, and the file is sound.
        #expect(try schema(bulk) == schema(try store("fresh")))
        #expect(
            try DatabaseQueue(path: bulk.path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        // Importing again changes nothing; numbers go on after the highest one.
        #expect(try bulk.importEvents(events) == ImportResult(inserted: 0, skipped: events.count))
        #expect(
            try bulk.addEvent(contact: "c1", type: "call", at: 1).id
                == stepwise.addEvent(contact: "c1", type: "call", at: 1).id)
    }

    @Test func repeatsWithoutIdsAreComparedByTheirBytes() throws {
        // A composed and a decomposed é are different notes to SQLite, and so to the import.
        var events = events()
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "caf\u{E9}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "cafe\u{301}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "caf\u{E9}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: ""))
        let bulk = try store("bulk")
        let stepwise = try store("stepwise")
        #expect(try bulk.importEvents(events, recordedAt: 1) == importStepwise(events, into: stepwise))
        #expect(try bulk.listedEvents(contact: "c1") == stepwise.listedEvents(contact: "c1"))
        #expect(
            try bulk.events(contact: "c1").filter { $0.at == 1 }.map(\.note) == ["caf\u{E9}", "cafe\u{301}", nil, ""])
    }

    @Test func aConflictInALargeImportLeavesTheStoreAsItWas() throws {
        var events = events()
        events.append(ImportedEvent(id: "crm-4", contact: "someone-else", type: "call", at: 1))
        let bulk = try store("bulk")
        let error = try #require(throws: StoreError.self) { try bulk.importEvents(events) }
        #expect(error.kind == .conflictingEvents)
        #expect(error.eventIDs == ["crm-4"])
        #expect(try bulk.allEvents().isEmpty)
        #expect(try schema(bulk) == schema(try store("fresh")))
    }

    @Test func emptyTextsAreStoredAsEmptyTexts() throws {
        let store = try store("s")
        try store.importEvents([ImportedEvent(id: "e", contact: "", type: "", at: 1, note: "")])
        try store.importEvents([ImportedEvent(contact: "", type: "", at: 2, note: "")])
        #expect(
            try store.allEvents() == [
                Event(id: "e", contact: "", type: "", at: 1, note: ""),
                Event(id: "2", contact: "", type: "", at: 2, note: ""),
            ])
    }
}
