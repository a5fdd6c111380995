import Testing
import TicklerCore
import TicklerStore

/// Events, on both stores: assigned ids, order, filters, imports that are all-or-nothing and
/// repeatable, and the HTTP service's batches, idempotent by sender id.
@Suite struct StoreEventsTests {

    @Test(arguments: StoreKind.allCases) func assignsIdsAsIncreasingNumbers(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let first = try store.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "合同 #12")
        let second = try store.addEvent(contact: "acme-zhang", type: "call", at: 1_600_000_000)
        #expect(first == Event(id: "1", contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "合同 #12"))
        #expect(second.id == "2")
        #expect(second.note == nil)
    }

    @Test(arguments: StoreKind.allCases) func listsByTimeThenByWhenStored(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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
    @Test(arguments: StoreKind.allCases) func theUnorderedListIsInTheOrderStored(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.importEvents([
            Event(id: "zz", contact: "a", type: "unsubscribed", at: 500),
            Event(id: "aa", contact: "a", type: "resubscribed", at: 500),
        ])
        try store.addEvent(contact: "a", type: "unsubscribed", at: 100)
        #expect(try store.unorderedEvents().map(\.id) == ["zz", "aa", "3"])
        #expect(try store.events(afterSequence: 0).events.map(\.id) == ["zz", "aa", "3"])
        #expect(try store.events(afterSequence: 1).events.map(\.id) == ["aa", "3"])
    }

    @Test(arguments: StoreKind.allCases) func notesAreStoredAsGiven(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let note = "第一行\n第二行\t'quoted' \"double\" ; DROP TABLE events; --\u{7}\u{202E}😀"
        try store.addEvent(contact: "acme-zhang", type: "call", at: 1, note: note)
        #expect(try store.allEvents().first?.note == note)
    }

    @Test(arguments: StoreKind.allCases) func aNULCharacterIsRefusedRatherThanCutOff(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let error = try #require(throws: StoreError.self) {
            try store.addEvent(contact: "acme-zhang", type: "call", at: 1, note: "a\u{0}b")
        }
        #expect(error.kind == .invalidEvent)
        #expect(throws: StoreError.self) {
            try store.importEvents([ImportedEvent(contact: "a\u{0}", type: "call", at: 1)])
        }
        #expect(try store.allEvents().isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func importsAndAssignsIdsWhereNoneAreGiven(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let result = try store.importEvents([
            ImportedEvent(id: "crm-1", contact: "a", type: "purchase", at: 100),
            ImportedEvent(contact: "b", type: "call", at: 200, note: "回访"),
        ])
        #expect(result == ImportResult(inserted: 2, skipped: 0))
        #expect(try store.allEvents().map(\.id) == ["crm-1", "2"])
    }

    @Test(arguments: StoreKind.allCases) func reimportingIsANoOp(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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

    @Test(arguments: StoreKind.allCases) func aConflictingIdFailsTheWholeImport(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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
                == "event id 'crm-1' is already used by other events in the state store '\(store.place)'; nothing was imported"
        )
        #expect(try store.allEvents().map(\.id) == ["crm-1"])
        // The numbers the failed import would have used are not burnt either.
        #expect(try store.addEvent(contact: "a", type: "call", at: 1).id == "2")
    }

    @Test(arguments: StoreKind.allCases) func everyConflictIsNamed(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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

    @Test(arguments: StoreKind.allCases) func aFailingRowWritesNothing(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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

    @Test(arguments: StoreKind.allCases) func importedNumbersAreNeverAssignedAgain(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
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

    @Test(arguments: StoreKind.allCases) func anImportedNumberThatIsAlreadyAssignedIsAConflict(_ kind: StoreKind) throws
    {
        let store = try kind.makeStore()
        try store.addEvent(contact: "a", type: "call", at: 1)
        let error = try #require(throws: StoreError.self) {
            try store.importEvents([Event(id: "1", contact: "b", type: "purchase", at: 9)])
        }
        #expect(error.eventIDs == ["1"])
        // The same event exported from this store and imported again is a no-op.
        let same = try store.importEvents([Event(id: "1", contact: "a", type: "call", at: 1)])
        #expect(same == ImportResult(inserted: 0, skipped: 1))
    }

    @Test(arguments: StoreKind.allCases) func oneStoreSeesWhatAnotherWrote(_ kind: StoreKind) throws {
        let daemon = try kind.makeStore()
        #expect(try daemon.allEvents().isEmpty)
        let command = try daemon.reopened()
        try command.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000)
        #expect(try daemon.allEvents().map(\.type) == ["purchase"])
    }

    @Test(arguments: StoreKind.allCases) func eventsSurviveReopening(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "张伟")
        let reopened = try store.reopened()
        #expect(
            try reopened.allEvents() == [
                Event(id: "1", contact: "acme-zhang", type: "purchase", at: 1_700_000_000, note: "张伟")
            ])
        #expect(try reopened.addEvent(contact: "a", type: "call", at: 1).id == "2")
    }

    /// What a running daemon reads when the store changed: the events after the last number it saw.
    @Test(arguments: StoreKind.allCases) func eventsAfterASequenceNumberAreTheNewOnes(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        #expect(try store.events(afterSequence: 0) == ([], 0))
        #expect(try store.events(afterSequence: 5).last == 5)
        try store.addEvent(contact: "a", type: "call", at: 300)
        try store.addEvent(contact: "b", type: "call", at: 100)
        let all = try store.events(afterSequence: 0)
        #expect(all.events.map(\.id) == ["1", "2"])
        #expect(all.last == 2)
        #expect(try store.events(afterSequence: 2) == ([], 2))
        // Another process records more; an imported plain number moves the last one past it.
        let other = try store.reopened()
        try other.importEvents([ImportedEvent(id: "250", contact: "c", type: "call", at: 50)])
        try other.addEvent(contact: "a", type: "meeting", at: 400)
        let new = try store.events(afterSequence: 2)
        #expect(new.events.map(\.id) == ["250", "251"])
        #expect(new.last == 251)
        #expect(try store.events(afterSequence: 250).events.map(\.id) == ["251"])
    }

    /// The HTTP service's requests: an event with a sender id is recorded once per source, however
    /// often it is sent — within one batch, across the batches of one transaction, and later.
    @Test(arguments: StoreKind.allCases) func eventsWithASenderIDAreRecordedOncePerSource(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try store.addEvent(contact: "acme-zhang", type: "call", at: 50)
        let first = try store.recordEvents(
            [
                EventBatch(
                    source: "crm",
                    events: [
                        IncomingEvent(
                            contact: "acme-zhang", type: "purchase", at: 100, note: "合同 #12", senderID: "e-1"),
                        IncomingEvent(contact: "acme-zhang", type: "call", at: 200),
                        IncomingEvent(contact: "acme-zhang", type: "purchase", at: 100, senderID: "e-1"),
                    ]),
                // Another source's e-1 is another event; the same source's in a later batch is not.
                EventBatch(
                    source: "shop",
                    events: [IncomingEvent(contact: "globex-li", type: "purchase", at: 300, senderID: "e-1")]),
                EventBatch(
                    source: "crm",
                    events: [IncomingEvent(contact: "acme-zhang", type: "purchase", at: 100, senderID: "e-1")]),
            ], recordedAt: 1_800_000_000)
        #expect(
            first == [
                [
                    .init(number: 2, duplicate: false), .init(number: 3, duplicate: false),
                    .init(number: 2, duplicate: true),
                ],
                [.init(number: 4, duplicate: false)],
                [.init(number: 2, duplicate: true)],
            ])
        // The request sent again, through another process, with one event more.
        let again = try store.reopened().recordEvents(
            [
                EventBatch(
                    source: "crm",
                    events: [
                        IncomingEvent(
                            contact: "acme-zhang", type: "purchase", at: 100, note: "合同 #12", senderID: "e-1"),
                        IncomingEvent(contact: "acme-zhang", type: "meeting", at: 400, senderID: "e-2"),
                    ])
            ], recordedAt: 1_800_000_100)
        #expect(again == [[.init(number: 2, duplicate: true), .init(number: 5, duplicate: false)]])
        #expect(try store.allEvents().map(\.id) == ["1", "2", "3", "4", "5"])
        #expect(
            try store.events(contact: "acme-zhang", type: "purchase") == [
                Event(id: "2", contact: "acme-zhang", type: "purchase", at: 100, note: "合同 #12")
            ])
        #expect(
            try store.listedEvents(contact: "acme-zhang").map { "\($0.event.id) \($0.source ?? "-")" } == [
                "1 cli", "2 crm", "3 crm", "5 crm",
            ])
        try store.importEvents([ImportedEvent(contact: "initech-wang", type: "call", at: 1)])
        #expect(try store.eventCountsBySource() == ["cli": 1, "crm": 3, "shop": 1, "import": 1])
        // Nothing of a failing batch is recorded.
        #expect(throws: StoreError.self) {
            try store.recordEvents(
                [
                    EventBatch(
                        source: "crm", events: [IncomingEvent(contact: "a", type: "call", at: 1, senderID: "e-3")]),
                    EventBatch(
                        source: "crm", events: [IncomingEvent(contact: "a", type: "call", at: 1, senderID: "e\u{0}")]),
                ], recordedAt: 1_800_000_200)
        }
        #expect(try store.events(afterSequence: 5).events.map(\.id) == ["6"])
    }

    /// What unsubscribe links record and the schedule reads: a contact's latest `unsubscribed` or
    /// `resubscribed` event, by time, then in the order stored, decides.
    @Test(arguments: StoreKind.allCases) func theLatestSubscriptionEventDecides(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        func unsubscribed() throws -> Event? {
            EventIndex(try store.events(contact: "acme-zhang")).unsubscription(of: "acme-zhang")
        }
        func link(_ type: String, at: Int64) throws {
            _ = try store.recordEvents(
                [
                    EventBatch(
                        source: "unsubscribe-link", events: [IncomingEvent(contact: "acme-zhang", type: type, at: at)])
                ],
                recordedAt: at)
        }
        try link(Event.unsubscribedType, at: 500)
        #expect(try unsubscribed()?.id == "1")
        try link(Event.resubscribedType, at: 500)  // the same second: the later one stored wins
        #expect(try unsubscribed() == nil)
        try store.importEvents([ImportedEvent(id: "crm-9", contact: "acme-zhang", type: "unsubscribed", at: 400)])
        #expect(try unsubscribed() == nil)  // earlier, though stored later
        try store.addEvent(contact: "acme-zhang", type: Event.unsubscribedType, at: 500)
        #expect(try unsubscribed()?.id == "4")
        #expect(EventIndex(try store.unorderedEvents()).unsubscription(of: "acme-zhang")?.id == "4")
        #expect(
            EventIndex(try store.reopened().events(afterSequence: 0).events).unsubscription(of: "acme-zhang")?.id == "4"
        )
    }
}
