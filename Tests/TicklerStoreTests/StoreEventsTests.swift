import Testing
import TicklerCore
import TicklerStore
import TicklerTestSupport

/// Events: assigned ids, order, filters, and imports that are all-or-nothing and repeatable.
@Suite struct SQLiteStoreEventsTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
    }

    @Test func assignsIdsAsIncreasingNumbers() throws {
        let first = try store.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "合同 #12")
        let second = try store.addEvent(contact: "acme-zhang", type: "call", at: 1_600_000_000)
        #expect(first == Event(id: "1", contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "合同 #12"))
        #expect(second.id == "2")
        #expect(second.note == nil)
    }

    @Test func listsByTimeThenByWhenStored() throws {
        try store.addEvent(contact: "b", type: "call", at: 300)
        try store.addEvent(contact: "a", type: "call", at: 100)
        try store.addEvent(contact: "a", type: "meeting", at: 300)
        try store.addEvent(contact: "b", type: "purchase", at: 200)
        #expect(try store.allEvents().map(\.id) == ["2", "4", "1", "3"])
        #expect(try store.events(contact: "a").map(\.id) == ["2", "3"])
        #expect(try store.events(type: "call").map(\.id) == ["2", "1"])
        #expect(try store.events(contact: "b", type: "call").map(\.id) == ["1"])
        #expect(try store.events(contact: "nobody").isEmpty)
    }

    /// `EventIndex` keeps the order it is given among events at one instant: the store gives them
    /// in the order stored, whatever their ids (imported ones are any text).
    @Test func theUnorderedListIsInTheOrderStored() throws {
        try store.importEvents([
            Event(id: "zz", contact: "a", type: "unsubscribed", at: 500),
            Event(id: "aa", contact: "a", type: "resubscribed", at: 500),
        ])
        try store.addEvent(contact: "a", type: "unsubscribed", at: 100)
        #expect(try store.unorderedEvents().map(\.id) == ["zz", "aa", "3"])
        #expect(try store.events(afterSequence: 0).events.map(\.id) == ["zz", "aa", "3"])
        #expect(try store.events(afterSequence: 1).events.map(\.id) == ["aa", "3"])
    }

    @Test func notesAreStoredAsGiven() throws {
        let note = "第一行\n第二行\t'quoted' \"double\" ; DROP TABLE events; --\u{7}\u{202E}😀"
        try store.addEvent(contact: "acme-zhang", type: "call", at: 1, note: note)
        #expect(try store.allEvents().first?.note == note)
    }

    @Test func aNULCharacterIsRefusedRatherThanCutOff() throws {
        let error = try #require(throws: StoreError.self) {
            try store.addEvent(contact: "acme-zhang", type: "call", at: 1, note: "a\u{0}b")
        }
        #expect(error.kind == .invalidEvent)
        #expect(throws: StoreError.self) {
            try store.importEvents([ImportedEvent(contact: "a\u{0}", type: "call", at: 1)])
        }
        #expect(try store.allEvents().isEmpty)
    }

    @Test func importsAndAssignsIdsWhereNoneAreGiven() throws {
        let result = try store.importEvents([
            ImportedEvent(id: "crm-1", contact: "a", type: "purchase", at: 100),
            ImportedEvent(contact: "b", type: "call", at: 200, note: "回访"),
        ])
        #expect(result == ImportResult(inserted: 2, skipped: 0))
        #expect(try store.allEvents().map(\.id) == ["crm-1", "2"])
    }

    @Test func reimportingIsANoOp() throws {
        let events = [
            ImportedEvent(id: "crm-1", contact: "a", type: "purchase", at: 100),
            ImportedEvent(contact: "b", type: "call", at: 200, note: "回访"),
            ImportedEvent(contact: "b", type: "call", at: 300),
        ]
        #expect(try store.importEvents(events) == ImportResult(inserted: 3, skipped: 0))
        let before = try store.allEvents()
        #expect(try store.importEvents(events) == ImportResult(inserted: 0, skipped: 3))
        #expect(try store.allEvents() == before)
    }

    @Test func aConflictingIdFailsTheWholeImport() throws {
        try store.importEvents([Event(id: "crm-1", contact: "a", type: "purchase", at: 100)])
        let error = try #require(throws: StoreError.self) {
            try store.importEvents([
                ImportedEvent(id: "crm-2", contact: "a", type: "call", at: 150),
                ImportedEvent(id: "crm-1", contact: "a", type: "purchase", at: 101),
                ImportedEvent(contact: "c", type: "call", at: 300),
            ])
        }
        #expect(error.kind == .conflictingEvents)
        #expect(error.eventIDs == ["crm-1"])
        #expect(
            error.message
                == "event id 'crm-1' is already used by other events in the state store '\(store.path)'; nothing was imported"
        )
        #expect(try store.allEvents().map(\.id) == ["crm-1"])
        // The numbers the failed import would have used are not burnt either.
        #expect(try store.addEvent(contact: "a", type: "call", at: 1).id == "2")
    }

    @Test func everyConflictIsNamed() throws {
        try store.importEvents([
            Event(id: "x", contact: "a", type: "call", at: 1), Event(id: "y", contact: "a", type: "call", at: 2),
        ])
        let error = try #require(throws: StoreError.self) {
            try store.importEvents([
                Event(id: "y", contact: "a", type: "call", at: 3), Event(id: "x", contact: "b", type: "call", at: 1),
            ])
        }
        #expect(error.eventIDs == ["y", "x"])
        #expect(error.message.hasPrefix("2 event ids ('y', 'x') are already used"))
    }

    @Test func aFailingRowWritesNothing() throws {
        // The same new id twice with different content: the second row fails, the first is rolled back.
        #expect(throws: StoreError.self) {
            try store.importEvents([
                Event(id: "n-1", contact: "a", type: "call", at: 1),
                Event(id: "n-2", contact: "a", type: "call", at: 2),
                Event(id: "n-1", contact: "a", type: "meeting", at: 1),
            ])
        }
        #expect(try store.allEvents().isEmpty)
        #expect(throws: StoreError.self) {
            try store.importEvents([
                ImportedEvent(contact: "a", type: "call", at: 1),
                ImportedEvent(id: "", contact: "a", type: "call", at: 2),
            ])
        }
        #expect(try store.allEvents().isEmpty)
    }

    @Test func importedNumbersAreNeverAssignedAgain() throws {
        try store.addEvent(contact: "a", type: "call", at: 1)
        let result = try store.importEvents([
            ImportedEvent(id: "250", contact: "a", type: "call", at: 2),
            ImportedEvent(contact: "a", type: "call", at: 3),
            ImportedEvent(id: "007", contact: "a", type: "call", at: 4),
        ])
        #expect(result.inserted == 3)
        let ids = try store.allEvents().map(\.id)
        #expect(ids == ["1", "250", "251", "007"])
        #expect(try store.addEvent(contact: "a", type: "call", at: 5).id == "253")
    }

    @Test func anImportedNumberThatIsAlreadyAssignedIsAConflict() throws {
        try store.addEvent(contact: "a", type: "call", at: 1)
        let error = try #require(throws: StoreError.self) {
            try store.importEvents([Event(id: "1", contact: "b", type: "purchase", at: 9)])
        }
        #expect(error.eventIDs == ["1"])
        // The same event exported from this store and imported again is a no-op.
        let same = try store.importEvents([Event(id: "1", contact: "a", type: "call", at: 1)])
        #expect(same == ImportResult(inserted: 0, skipped: 1))
    }

    @Test func eventsSurviveReopening() throws {
        try store.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "张伟")
        let reopened = try SQLiteStore.open(path: store.path)
        #expect(
            try reopened.allEvents() == [
                Event(id: "1", contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "张伟")
            ])
        #expect(try reopened.addEvent(contact: "a", type: "call", at: 1).id == "2")
    }
}
