import Dispatch
import Foundation
import GRDB
import Testing
import TicklerTestSupport

@testable import TicklerStore

/// Opening the SQLite store: the file, its mode, WAL, migrations, and files that are not a store.
/// (What it stores is tested on both stores: StoreEventsTests, OutboxTests and the others.)
@Suite struct SQLiteStoreTests {
    @Test func createsTheFileAndItsDirectoryWithPrivateModes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("var/state/tickler.sqlite")
        let store = try SQLiteStore.open(path: path)
        try store.addEvent(contact: "acme-zhang", type: "call", at: 1_700_000_000)
        #expect(try mode(of: path) == 0o600)
        #expect(try mode(of: path + "-wal") == 0o600)
        #expect(try mode(of: path + "-shm") == 0o600)
        #expect(try mode(of: directory.path("var/state")) == 0o700)
    }

    @Test func tightensTheModeOfAnExistingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        _ = try SQLiteStore.open(path: path)
        #expect(chmod(path, 0o644) == 0)
        _ = try SQLiteStore.open(path: path)
        #expect(try mode(of: path) == 0o600)
    }

    @Test func usesWriteAheadLogging() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        _ = try SQLiteStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        let mode = try queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func appliesEveryMigrationInOrderAndReopeningChangesNothing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        #expect(
            SQLiteStore.migrationNames == [
                "v1-events", "v1-first-seen", "v1-outbox", "v1-meta", "v2-outbox-message", "v3-event-source",
                "v4-outbox-bundled", "v5-outbox-digests",
            ])
        let first = try SQLiteStore.open(path: path)
        try first.addEvent(contact: "acme-zhang", type: "call", at: 1_700_000_000)
        let schema = try self.schema(path)
        let second = try SQLiteStore.open(path: path)
        #expect(try self.schema(path) == schema)
        #expect(try second.allEvents().map(\.id) == ["1"])
        let queue = try DatabaseQueue(path: path)
        let applied = try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied.sorted() == SQLiteStore.migrationNames.sorted())
    }

    @Test func createsTheTablesTheDaemonNeeds() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        _ = try SQLiteStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        let columns = try queue.read { db in
            try ["events", "first_seen", "outbox", "deliveries", "meta"].map { table in
                try db.columns(in: table).map(\.name)
            }
        }
        #expect(
            columns == [
                ["seq", "id", "contact", "type", "at", "note", "recorded_at", "source", "sender_id"],
                ["contact", "at"],
                [
                    "key", "rule", "contact", "channel", "due", "state", "attempts", "next_attempt_at", "last_error",
                    "updated_at", "recipient", "to_kind", "message", "first_attempt_at", "digest",
                ],
                ["seq", "key", "attempt", "started_at", "finished_at", "result", "detail"],
                ["name", "value"],
            ])
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("tickler.sqlite", "timezone: Asia/Shanghai\nthis is not SQLite\n")
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        #expect(error.kind == .notADatabase)
        #expect(error.message == "'\(path)' is not an SQLite database")
        #expect(error.note == "'state:' must name Tickler's state file; move this file away or choose another path")
        // Nothing was written over it.
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "timezone: Asia/Shanghai\nthis is not SQLite\n")
    }

    @Test func anotherProgramsDatabaseIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE customers (name TEXT)") }
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        #expect(error.kind == .notATicklerStore)
        #expect(error.message == "'\(path)' is an SQLite database, but not Tickler's state store")
    }

    @Test func aStoreFromANewerVersionIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        _ = try SQLiteStore.open(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        #expect(error.kind == .newerVersion)
        #expect(error.message == "the state store '\(path)' was written by a newer version of Tickler")
    }

    @Test func aDirectoryInPlaceOfTheFileIsAClearError() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.createDirectory("tickler.sqlite")
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        #expect(error.kind == .cannotOpen)
        #expect(error.message == "cannot open the state store '\(path)': it is a directory")
    }

    @Test func aParentThatCannotHoldTheFileIsAClearError() throws {
        // A regular file where the store's directory should be: fails for root too (unlike chmod).
        let directory = try TemporaryDirectory()
        let blocker = try directory.write("var", "not a directory")
        let path = blocker + "/tickler.sqlite"
        let error = try #require(throws: StoreError.self) { try SQLiteStore.open(path: path) }
        #expect(error.kind == .cannotOpen)
        #expect(error.message.hasPrefix("cannot create the state store '\(path)': "))
    }

    @Test func twoStoresOpenTheSameNewFileAtOnce() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tickler.sqlite")
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            do {
                let store = try SQLiteStore.open(path: path)
                for n in 0..<10 {
                    try store.addEvent(contact: "c\(index)", type: "call", at: Int64(n))
                }
                results.append(nil)
            } catch {
                results.append("\(error)")
            }
        }
        #expect(results.values == [nil, nil, nil, nil])
        let events = try SQLiteStore.open(path: path).allEvents()
        #expect(events.count == 40)
        #expect(Set(events.map(\.id)) == Set((1...40).map(String.init)))
    }

    // MARK: - Helpers

    private func mode(of path: String) throws -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return status.st_mode & 0o777
    }

    private func schema(_ path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        }
    }
}

/// Results collected from `concurrentPerform`.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String?] = []

    func append(_ value: String?) { lock.withLock { stored.append(value) } }
    var values: [String?] { lock.withLock { stored } }
}

@Suite struct SQLiteStoreDurabilityTests {
    @Test func theWriterCommitsWithSynchronousFull() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("t.sqlite"))
        let level = try store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(level == 2)  // 2 = FULL, 1 = NORMAL
    }

    @Test func aReadOnlyOpenLeavesTheFileAsItWas() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.sqlite")
        try SQLiteStore.open(path: path).addEvent(contact: "c", type: "call", at: 100)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let store = try SQLiteStore.openForReading(path: path)
        #expect(try store.allEvents().map(\.contact) == ["c"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
