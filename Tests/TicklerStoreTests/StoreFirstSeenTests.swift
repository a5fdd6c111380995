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
        // More than one batch of ids (50,000), and ids that JSON has to escape, as they were given.
        let odd = ["quote\"d", "back\\slash", "张伟", "line\u{2028}sep", "tab\tbed", ""]
        let contacts = (0..<120_000).map { "c\($0)" } + odd
        try store.recordFirstSeen(contacts, at: 42)
        try store.recordFirstSeen(["c119999", "new"], at: 43)
        let seen = try store.firstSeen()
        #expect(seen.count == 120_000 + odd.count + 1)
        #expect(seen["c119999"] == 42 && seen["c0"] == 42 && seen["new"] == 43)
        for id in odd { #expect(seen[id] == 42, "\(id)") }
    }
}
