import Testing
import TicklerStore
import TicklerTestSupport

/// First-seen times, on both stores: recorded once per contact, never moved.
@Suite struct StoreFirstSeenTests {
    @Test(arguments: StoreKind.allCases) func recordsOnlyContactsNotSeenBefore(_ kind: StoreKind) throws {
        let store = try kind.makeStore()
        #expect(try store.firstSeen().isEmpty)
        // A contact twice in the first call (PostgreSQL copies a first start's ids straight in).
        try store.recordFirstSeen(["acme-zhang", "globex-li", "acme-zhang"], at: 1_000)
        try store.recordFirstSeen(["globex-li", "initech-wang", "initech-wang"], at: 2_000)
        try store.recordFirstSeen([], at: 3_000)
        #expect(try store.firstSeen() == ["acme-zhang": 1_000, "globex-li": 1_000, "initech-wang": 2_000])
        // Another process (replica) starting later keeps them too.
        try store.reopened().recordFirstSeen(["acme-zhang", "umbrella-zhao"], at: 4_000)
        #expect(
            try store.firstSeen()
                == ["acme-zhang": 1_000, "globex-li": 1_000, "initech-wang": 2_000, "umbrella-zhao": 4_000])
    }

    @Test(arguments: StoreKind.allCases) func manyContactsInOneCall(_ kind: StoreKind) async throws {
        // More than one batch of ids (50,000), and ids that JSON (SQLite) or COPY (PostgreSQL) has to
        // escape, as they were given.
        let odd = ["quote\"d", "back\\slash", "张伟", "line\u{2028}sep", "tab\tbed", "line\nbreak", ""]
        // Seconds of statements, on a thread of their own rather than one of the two cooperative ones.
        let seen = try await OwnThread.run {
            let store = try kind.makeStore()
            try store.recordFirstSeen((0..<120_000).map { "c\($0)" } + odd, at: 42)
            try store.recordFirstSeen(["c119999", "new"], at: 43)
            return try store.firstSeen()
        }
        #expect(seen.count == 120_000 + odd.count + 1)
        #expect(seen["c119999"] == 42 && seen["c0"] == 42 && seen["new"] == 43)
        for id in odd { #expect(seen[id] == 42, "\(id)") }
    }
}
