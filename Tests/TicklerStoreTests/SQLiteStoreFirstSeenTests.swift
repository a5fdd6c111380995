import Testing
import TicklerStore
import TicklerTestSupport

/// First-seen times: recorded once per contact, never moved.
@Suite struct SQLiteStoreFirstSeenTests {
    @Test func recordsOnlyContactsNotSeenBefore() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
        #expect(try store.firstSeen().isEmpty)
        try store.recordFirstSeen(["acme-zhang", "globex-li"], at: 1_000)
        try store.recordFirstSeen(["globex-li", "initech-wang", "initech-wang"], at: 2_000)
        try store.recordFirstSeen([], at: 3_000)
        #expect(try store.firstSeen() == ["acme-zhang": 1_000, "globex-li": 1_000, "initech-wang": 2_000])
    }

    @Test func manyContactsInOneCall() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
        let contacts = (0..<20_000).map { "c\($0)" }
        try store.recordFirstSeen(contacts, at: 42)
        let seen = try store.firstSeen()
        #expect(seen.count == 20_000)
        #expect(seen["c19999"] == 42)
    }
}
