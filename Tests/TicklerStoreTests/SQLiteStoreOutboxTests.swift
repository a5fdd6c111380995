import Testing
import TicklerStore
import TicklerTestSupport

/// `recordDelivered`, SQLite's own way to mark an occurrence delivered (for tests and tools), and
/// `deliveredKeys` over what it records. The named values are StoreMetaTests', on both stores.
@Suite struct SQLiteStoreOutboxTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
    }

    @Test func deliveredKeysAreThoseRecordedAsDelivered() throws {
        let key = "birthday-greeting/acme-zhang/2027-03-14"
        #expect(try store.deliveredKeys(among: [key]).isEmpty)
        try store.recordDelivered(
            key: key, rule: "birthday-greeting", contact: "acme-zhang", channel: "email", due: 1_000, at: 1_005)
        #expect(try store.deliveredKeys(among: [key, "thank-you/acme-zhang/17"]) == [key])
        #expect(try store.deliveredKeys(among: []).isEmpty)
    }

    @Test func manyKeysAreAskedInSlices() throws {
        for n in stride(from: 0, to: 3_000, by: 7) {
            try store.recordDelivered(key: "r/c\(n)/1", rule: "r", contact: "c\(n)", channel: "out", due: 1, at: 2)
        }
        let keys = (0..<3_000).map { "r/c\($0)/1" }
        let delivered = try store.deliveredKeys(among: keys)
        #expect(delivered == Set(stride(from: 0, to: 3_000, by: 7).map { "r/c\($0)/1" }))
    }

    @Test func deliveringTwiceCountsTwoAttempts() throws {
        try store.recordDelivered(key: "r/c/1", rule: "r", contact: "c", channel: "out", due: 1, at: 2)
        try store.recordDelivered(key: "r/c/1", rule: "r", contact: "c", channel: "out", due: 1, at: 3)
        #expect(try store.deliveredKeys(among: ["r/c/1"]) == ["r/c/1"])
    }
}
