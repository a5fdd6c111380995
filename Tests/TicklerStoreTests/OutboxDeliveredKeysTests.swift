import Testing
import TicklerCore
import TicklerTestSupport

@testable import TicklerStore

/// `deliveredKeys(among:)`, which `upcoming` asks about every occurrence it found (up to ~1M keys),
/// on both stores.
@Suite struct OutboxDeliveredKeysTests {
    typealias F = OutboxFixtures

    /// `count` outbox rows `r/cN/1`, every third delivered and the others pending, retrying or failed:
    /// one statement, the same in SQLite and PostgreSQL.
    private func fill(_ store: any StateStore, _ count: Int) throws {
        try store.execute(
            """
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < \(count))
            INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, updated_at)
            SELECT 'r/c' || i || '/1', 'r', 'c' || i, 'email', i,
                CASE i % 6 WHEN 0 THEN 'delivered' WHEN 3 THEN 'delivered' WHEN 1 THEN 'pending'
                    WHEN 2 THEN 'retry' WHEN 4 THEN 'failed' ELSE 'sending' END,
                1, i
            FROM n
            """)
    }

    @Test(arguments: StoreKind.allCases) func overAHundredThousandKeysTheAnswerIsExact(_ kind: StoreKind) async throws {
        // Seconds of queries, on a thread of their own rather than one of the two cooperative ones.
        let delivered = try await OwnThread.run {
            let store = try kind.makeStore()
            try fill(store, 120_000)
            // 150,000 keys: every row but the last 20,000, 50,000 keys not in the outbox, spread over
            // more than one query, in no particular order.
            var keys = (0..<100_000).map { "r/c\($0)/1" } + (0..<50_000).map { "r/absent\($0)/1" }
            keys.shuffle()
            return try store.deliveredKeys(among: keys)
        }
        #expect(delivered.count == 100_000 / 3 + 1)
        #expect(delivered == Set(stride(from: 0, to: 100_000, by: 3).map { "r/c\($0)/1" }))
    }

    @Test(arguments: StoreKind.allCases) func keysThatNeedEscapingInJSONAreFound(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        let keys = [
            "r/quote\"d/1", "r/back\\slash/1", "r/line\nbreak/1", "r/tab\t/1", "r/张伟/2027-03-14", "r/emoji🎂/1",
            "r/ctrl\u{1}\u{1F}/1", "r/u2028\u{2028}/1", "r/#?&=%/1", "r/'single'/1",
        ]
        // Delivered as the daemon records it: enqueued, then one attempt begun and ended.
        #expect(try store.enqueue(keys.map { F.item($0) }, at: 1) == keys)
        #expect(try store.beginAttempts(keys: keys, at: 2) == keys.map { _ in 1 })
        try store.finishAttempts(keys.map { .init(key: $0, attempt: 1, outcome: .delivered(detail: nil)) }, at: 2)
        let asked = keys + keys.map { $0 + "x" } + [""]
        #expect(try store.deliveredKeys(among: asked) == Set(keys))
    }

    @Test(arguments: StoreKind.allCases) func duplicatesEmptinessAndUndeliveredStates(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try fill(store, 12)
        #expect(try store.deliveredKeys(among: []).isEmpty)
        #expect(try store.deliveredKeys(among: ["r/c0/1", "r/c0/1", "r/c3/1"]) == ["r/c0/1", "r/c3/1"])
        #expect(try store.deliveredKeys(among: ["r/c1/1", "r/c2/1", "r/c4/1", "r/c5/1"]).isEmpty)
    }

    @Test(arguments: StoreKind.allCases) func aStoreWithNothingDeliveredAnswersAtOnce(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        try fill(store, 5)  // c0 and c3 delivered
        try store.execute("UPDATE outbox SET state = 'failed' WHERE state = 'delivered'")
        #expect(try store.deliveredKeys(among: (0..<5).map { "r/c\($0)/1" }).isEmpty)
    }

    /// SQLite only: PostgreSQL has no store opened for reading.
    @Test func itWorksOnAStoreOpenedForReading() throws {
        let store = try StoreKind.sqlite.makeStore()
        try fill(store, 30)
        let reader = try SQLiteStore.openForReading(path: try #require(store as? SQLiteStore).path)
        #expect(try reader.deliveredKeys(among: ["r/c6/1", "r/c7/1", "r/c9/1"]) == ["r/c6/1", "r/c9/1"])
    }

    /// SQLite only: how its queries pass keys.
    @Test func theJSONArrayEscapesWhatJSONRequires() {
        #expect(
            SQLiteStore.jsonArray(["a", "b\"c", "d\\e", "\n\u{0}", "张"][...])
                == #"["a","b\"c","d\\e","\u000a\u0000","张"]"#)
        #expect(SQLiteStore.jsonArray([][...]) == "[]")
    }
}
