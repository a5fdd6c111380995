import GRDB
import Testing
import TicklerCore
import TicklerTestSupport

@testable import TicklerStore

/// A store written before `v2-outbox-message` opens, keeps its outbox, and works with the new calls.
@Suite struct OutboxMigrationTests {
    typealias F = OutboxFixtures
    let t = F.due

    /// A store file as the version before `v2-outbox-message` left it, with one delivered entry (and its
    /// attempt) and one pending entry.
    private func version1Store(in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("tickler.sqlite")
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "v1-meta")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, updated_at)
                    VALUES ('birthday-greeting/acme-zhang/2026-03-14', 'birthday-greeting', 'acme-zhang', 'email',
                            1773450000, 'delivered', 1, 1773450005),
                           ('thank-you/acme-zhang/3', 'thank-you', 'acme-zhang', 'email', 1773460000, 'pending', 0,
                            1773460000);
                    INSERT INTO deliveries (key, attempt, started_at, finished_at, result)
                    VALUES ('birthday-greeting/acme-zhang/2026-03-14', 1, 1773450005, 1773450005, 'delivered');
                    """)
        }
        return path
    }

    @Test func theVersion1StoreIsWhatTheOldMigrationsMade() throws {
        let directory = try TemporaryDirectory()
        let queue = try DatabaseQueue(path: try version1Store(in: directory))
        let applied = try queue.read { try SQLiteStore.migrator.appliedIdentifiers($0) }
        #expect(applied == ["v1-events", "v1-first-seen", "v1-outbox", "v1-meta"])
        #expect(try queue.read { try $0.columns(in: "outbox").map(\.name) }.contains("message") == false)
    }

    @Test func openingAddsTheColumnsAndKeepsTheEntries() throws {
        let directory = try TemporaryDirectory()
        let path = try version1Store(in: directory)
        let store = try SQLiteStore.open(path: path)
        let columns = try store.pool.read { try $0.columns(in: "outbox").map(\.name) }
        #expect(
            columns == [
                "key", "rule", "contact", "channel", "due", "state", "attempts", "next_attempt_at", "last_error",
                "updated_at", "recipient", "to_kind", "message", "first_attempt_at", "digest",
            ])
        #expect(
            try store.deliveredKeys(among: ["birthday-greeting/acme-zhang/2026-03-14", "thank-you/acme-zhang/3"])
                == ["birthday-greeting/acme-zhang/2026-03-14"])
        let old = try #require(try store.dueWork(now: 1_773_460_000, limit: 10).first)
        #expect(old.key == "thank-you/acme-zhang/3")
        #expect(old.to == nil)
        #expect(old.recipient == nil)
        guard case .none = old.message else {
            Issue.record("an entry from before v2 has no stored message, got \(old.message)")
            return
        }
        // It can be attempted like any other (the daemon renders it again).
        #expect(try store.beginAttempt(key: old.key, at: 1_773_460_010) == 1)
        try store.finishAttempt(key: old.key, attempt: 1, at: 1_773_460_011, outcome: .delivered(detail: nil))
        #expect(try store.history().map(\.outcome) == [.delivered, .delivered])
        // New entries sit beside the old ones.
        #expect(
            try store.enqueue([F.item("thank-you/acme-zhang/3"), F.item("thank-you/acme-zhang/4")], at: t) == [
                "thank-you/acme-zhang/4"
            ])
        #expect(try store.dueWork(now: t, limit: 10).first?.rendered?.occurrence.key == "thank-you/acme-zhang/4")
    }

    @Test func theStateAndRecipientChecksStillHold() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: try version1Store(in: directory))
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: "UPDATE outbox SET state = 'lost' WHERE key = 'thank-you/acme-zhang/3'")
            }
        }
        #expect(throws: DatabaseError.self) {
            try store.pool.write { db in
                try db.execute(sql: "UPDATE outbox SET to_kind = 'everyone' WHERE key = 'thank-you/acme-zhang/3'")
            }
        }
    }

    @Test func aNewStoreGetsTheSameSchemaAsAMigratedOne() throws {
        let directory = try TemporaryDirectory()
        let migrated = try SQLiteStore.open(path: try version1Store(in: directory))
        let fresh = try SQLiteStore.open(path: directory.path("fresh.sqlite"))
        let schema: (SQLiteStore) throws -> [String] = { store in
            try store.pool.read { db in
                try String.fetchAll(
                    db,
                    sql:
                        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != 'grdb_migrations' ORDER BY name"
                )
            }
        }
        #expect(try schema(migrated) == schema(fresh))
    }

    @Test func theBundledMigrationKeepsEntriesAndAttemptsAndTakesBundledItems() throws {
        let directory = try TemporaryDirectory()
        let path = try version1Store(in: directory)
        let queue = try DatabaseQueue(path: path)
        try SQLiteStore.migrator.migrate(queue, upTo: "v3-event-source")
        #expect(throws: DatabaseError.self) {
            try queue.write { db in
                try db.execute(sql: "UPDATE outbox SET state = 'bundled' WHERE key = 'thank-you/acme-zhang/3'")
            }
        }
        try queue.close()
        let store = try SQLiteStore.open(path: path)
        #expect(SQLiteStore.migrationNames.contains("v4-outbox-bundled"))
        #expect(
            try store.history().map(\.key) == ["thank-you/acme-zhang/3", "birthday-greeting/acme-zhang/2026-03-14"])
        let digest = "digest/li.na/2026-03-14"
        #expect(
            try store.enqueue(
                [F.item(digest), F.item("thank-you/acme-zhang/4", state: .bundled(digest: digest))],
                at: t) == [digest, "thank-you/acme-zhang/4"])
        #expect(try store.deliveredKeys(among: ["thank-you/acme-zhang/4", digest]) == ["thank-you/acme-zhang/4"])
        #expect(try store.outboxKeys(among: [digest, "thank-you/acme-zhang/5"]) == [digest])
        #expect(try store.dueWork(now: t, limit: 10).map(\.key).contains("thank-you/acme-zhang/4") == false)
        let bundled = try #require(try store.history().first { $0.key == "thank-you/acme-zhang/4" })
        #expect(bundled.outcome == .bundled)
        #expect(bundled.detail == digest)
        #expect(try store.status(now: t).count(.bundled) == 1)
    }
}
