import GRDB
import Testing
import TicklerTestSupport

@testable import TicklerStore

/// `deliveredKeys(among:)`, which `upcoming` asks about every occurrence it found (up to ~1M keys).
@Suite struct OutboxDeliveredKeysTests {
    let directory: TemporaryDirectory
    let store: SQLiteStore

    init() throws {
        directory = try TemporaryDirectory()
        store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
    }

    /// `count` outbox rows `r/cN/1`, every third delivered and the others pending, retrying or failed.
    private func fill(_ count: Int) throws {
        try store.pool.write { db in
            try db.execute(
                sql: """
                    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
                    INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, updated_at)
                    SELECT 'r/c' || i || '/1', 'r', 'c' || i, 'email', i,
                        CASE i % 6 WHEN 0 THEN 'delivered' WHEN 3 THEN 'delivered' WHEN 1 THEN 'pending'
                            WHEN 2 THEN 'retry' WHEN 4 THEN 'failed' ELSE 'sending' END,
                        1, i
                    FROM n
                    """,
                arguments: [count])
        }
    }

    @Test func overAHundredThousandKeysTheAnswerIsExact() throws {
        try fill(120_000)
        // 150,000 keys: every row but the last 20,000, 50,000 keys not in the outbox, spread over more
        // than one query, in no particular order.
        var keys = (0..<100_000).map { "r/c\($0)/1" } + (0..<50_000).map { "r/absent\($0)/1" }
        keys.shuffle()
        let delivered = try store.deliveredKeys(among: keys)
        #expect(delivered.count == 100_000 / 3 + 1)
        #expect(delivered == Set(stride(from: 0, to: 100_000, by: 3).map { "r/c\($0)/1" }))
    }

    @Test func keysThatNeedEscapingInJSONAreFound() throws {
        let keys = [
            "r/quote\"d/1", "r/back\\slash/1", "r/line\nbreak/1", "r/tab\t/1", "r/张伟/2027-03-14", "r/emoji🎂/1",
            "r/ctrl\u{1}\u{1F}/1", "r/u2028\u{2028}/1", "r/#?&=%/1", "r/'single'/1",
        ]
        for key in keys {
            try store.recordDelivered(key: key, rule: "r", contact: "c", channel: "email", due: 1, at: 2)
        }
        let asked = keys + keys.map { $0 + "x" } + [""]
        #expect(try store.deliveredKeys(among: asked) == Set(keys))
    }

    @Test func duplicatesEmptinessAndUndeliveredStates() throws {
        try fill(12)
        #expect(try store.deliveredKeys(among: []).isEmpty)
        #expect(try store.deliveredKeys(among: ["r/c0/1", "r/c0/1", "r/c3/1"]) == ["r/c0/1", "r/c3/1"])
        #expect(try store.deliveredKeys(among: ["r/c1/1", "r/c2/1", "r/c4/1", "r/c5/1"]).isEmpty)
    }

    @Test func aStoreWithNothingDeliveredAnswersAtOnce() throws {
        try fill(5)  // c0 and c3 delivered
        try store.pool.write { try $0.execute(sql: "UPDATE outbox SET state = 'failed' WHERE state = 'delivered'") }
        #expect(try store.deliveredKeys(among: (0..<5).map { "r/c\($0)/1" }).isEmpty)
    }

    @Test func itWorksOnAStoreOpenedForReading() throws {
        try fill(30)
        let reader = try SQLiteStore.openForReading(path: store.path)
        #expect(try reader.deliveredKeys(among: ["r/c6/1", "r/c7/1", "r/c9/1"]) == ["r/c6/1", "r/c9/1"])
    }

    @Test func theJSONArrayEscapesWhatJSONRequires() {
        #expect(
            SQLiteStore.jsonArray(["a", "b\"c", "d\\e", "\n\u{0}", "张"][...])
                == #"["a","b\"c","d\\e","\u000a\u0000","张"]"#)
        #expect(SQLiteStore.jsonArray([][...]) == "[]")
    }
}
