import GRDB
import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Large imports, on both stores: what an import into an empty store stores, skips and refuses must
/// be what importing the same events in two steps gives (an import into a store that holds an event
/// already, or a small one). SQLite's large imports into an empty store take another way (the rows
/// first, the indexes built afterwards), which must leave the file as the migrations made it.
@Suite struct StoreImportTests {

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
    func importStepwise(_ events: [ImportedEvent], into store: any StateStore) throws -> ImportResult {
        let first = try store.importEvents(Array(events.prefix(1)))
        let rest = try store.importEvents(Array(events.dropFirst()))
        return ImportResult(inserted: first.inserted + rest.inserted, skipped: first.skipped + rest.skipped)
    }

    /// SQLite's schema, as the file holds it.
    func schema(_ store: SQLiteStore) throws -> [String] {
        try DatabaseQueue(path: store.path).read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
    }

    @Test(arguments: StoreKind.allCases) func aLargeImportStoresWhatTheRowByRowWayStores(_ kind: StoreKind) throws {
        let events = events()
        let bulk = try kind.makeStore()
        let stepwise = try kind.makeStore()
        let result = try bulk.importEvents(events, recordedAt: 1)
        #expect(try importStepwise(events, into: stepwise) == result)
        #expect(result.inserted > 3_000 && result.skipped > 3_000)  // contents repeat among the events without ids
        #expect(try bulk.listedEvents() == stepwise.listedEvents())
        #expect(try bulk.listedEvents(contact: "c5") == stepwise.listedEvents(contact: "c5"))
        if kind == .sqlite {
            let bulk = try #require(bulk as? SQLiteStore)
            // The indexes are back, as the migrations made them, and the file is sound.
            #expect(try schema(bulk) == schema(try #require(try kind.makeStore() as? SQLiteStore)))
            #expect(
                try DatabaseQueue(path: bulk.path).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
                    == "ok")
        }
        // Importing again changes nothing; numbers go on after the highest one.
        #expect(try bulk.importEvents(events) == ImportResult(inserted: 0, skipped: events.count))
        #expect(
            try bulk.addEvent(contact: "c1", type: "call", at: 1).id
                == stepwise.addEvent(contact: "c1", type: "call", at: 1).id)
    }

    @Test(arguments: StoreKind.allCases) func repeatsWithoutIdsAreComparedByTheirBytes(_ kind: StoreKind) throws {
        // A composed and a decomposed é are different notes to the database, and so to the import.
        var events = events()
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "caf\u{E9}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "cafe\u{301}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: "caf\u{E9}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 1, note: ""))
        let bulk = try kind.makeStore()
        let stepwise = try kind.makeStore()
        #expect(try bulk.importEvents(events, recordedAt: 1) == importStepwise(events, into: stepwise))
        #expect(try bulk.listedEvents(contact: "c1") == stepwise.listedEvents(contact: "c1"))
        #expect(
            try bulk.events(contact: "c1").filter { $0.at == 1 }.map(\.note) == ["caf\u{E9}", "cafe\u{301}", nil, ""])
    }

    @Test(arguments: StoreKind.allCases) func aConflictInALargeImportLeavesTheStoreAsItWas(_ kind: StoreKind) throws {
        var events = events()
        events.append(ImportedEvent(id: "crm-4", contact: "someone-else", type: "call", at: 1))
        let bulk = try kind.makeStore()
        let error = try #require(throws: StoreError.self) { try bulk.importEvents(events) }
        #expect(error.kind == .conflictingEvents)
        #expect(error.eventIDs == ["crm-4"])
        #expect(try bulk.allEvents().isEmpty)
        if kind == .sqlite {
            let bulk = try #require(bulk as? SQLiteStore)
            #expect(try schema(bulk) == schema(try #require(try kind.makeStore() as? SQLiteStore)))
        }
        // Nor are numbers burnt.
        #expect(try bulk.addEvent(contact: "c1", type: "call", at: 1).id == "1")
    }

    @Test(arguments: StoreKind.allCases) func emptyTextsAreStoredAsEmptyTexts(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.importEvents([ImportedEvent(id: "e", contact: "", type: "", at: 1, note: "")])
        try store.importEvents([ImportedEvent(contact: "", type: "", at: 2, note: "")])
        #expect(
            try store.allEvents() == [
                Event(id: "e", contact: "", type: "", at: 1, note: ""),
                Event(id: "2", contact: "", type: "", at: 2, note: ""),
            ])
    }

    /// The same imports into both kinds store the same events, with the same ids, numbers and sources.
    @Test func bothStoresStoreTheSameImports() throws {
        var events = events()
        events.append(ImportedEvent(id: "7", contact: "c1", type: "call", at: 1))
        events.append(ImportedEvent(id: "x-8", contact: "c1", type: "call", at: 2, note: "caf\u{E9}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 2, note: "cafe\u{301}"))
        events.append(ImportedEvent(contact: "c1", type: "call", at: 2, note: "caf\u{E9}"))  // x-8's content
        let stores = try StoreKind.allCases.map { try $0.makeStore() }
        var answers: [[String]] = []
        for store in stores {
            try store.addEvent(contact: "c0", type: "call", at: 5)
            // The later part first (its plain numbers are the highest), then all: the earlier part's
            // plain numbers are still free, and take their places.
            let first = try store.importEvents(Array(events.suffix(7_000)))
            let rest = try store.importEvents(events)
            let again = try store.importEvents(events)
            let added = try store.addEvent(contact: "c0", type: "call", at: 6)
            answers.append(
                ["\(first) \(rest) \(again) \(added.id)"]
                    + (try store.listedEvents()).map {
                        "\($0.event.id) \($0.event.contact) \($0.event.type) \($0.event.at) \($0.event.note ?? "-") \($0.source ?? "-")"
                    }
                    + (try store.events(afterSequence: 0)).events.map(\.id))
        }
        #expect(answers[0].count > 8_000)  // over 4,000 events, listed twice
        #expect(answers[0] == answers[1])
    }
}
