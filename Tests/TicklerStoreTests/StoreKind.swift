import Foundation
import GRDB
import Synchronization
import Testing
import TicklerCore
import TicklerDaemon
import TicklerPostgres
import TicklerTestSupport

@testable import TicklerStore

/// The stores the conformance tests run against: every behaviour the daemon and the commands rely
/// on is one test, `@Test(arguments: StoreKind.allCases)`, that passes on both.
///
///     @Test(arguments: StoreKind.allCases) func eventsSurviveReopening(_ kind: StoreKind) throws {
///         let store = try kind.makeStore()
///         try store.addEvent(contact: "acme-zhang", type: "purchase", at: 1_700_000_000)
///         #expect(try store.reopened().allEvents().count == 1)   // what another process sees
///     }
enum StoreKind: CaseIterable, Sendable, CustomTestStringConvertible {
    /// ``SQLiteStore``: one file, in a directory of its own.
    case sqlite
    /// ``PostgresStore``: a database of its own in the test process's cluster (`PostgresCluster.shared()`).
    case postgres

    var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }

    /// A new, empty store of this kind.
    func makeStore() throws -> any StateStore {
        switch self {
        case .sqlite:
            return try SQLiteStore.open(path: try Self.newSQLitePath())
        case .postgres:
            let cluster = try PostgresCluster.shared()
            return try PostgresStore.open(
                try PostgresLocation(url: try cluster.createDatabase()), password: cluster.password,
                executor: Self.executor)
        }
    }

    /// The executor of every PostgreSQL store's client in this test process.
    static let executor = SerialTaskExecutor(label: "test.pg")

    /// A path for a new SQLite store: `N/tickler.sqlite` in a directory of this test process, removed
    /// when it exits (a test's store may outlive the test's last use of it, as a second handle does).
    private static func newSQLitePath() throws -> String {
        let number = sqliteCount.withLock { count in
            count += 1
            return count
        }
        return try sqliteDirectory.get().createDirectory(String(number)) + "/tickler.sqlite"
    }

    private static let sqliteCount = Mutex(0)
    private static let sqliteDirectory: Result<TemporaryDirectory, any Error> = Result {
        let directory = try TemporaryDirectory()
        atexit { StoreKind.removeSQLiteDirectory() }
        return directory
    }

    private static func removeSQLiteDirectory() {
        if case .success(let directory) = sqliteDirectory {
            try? FileManager.default.removeItem(atPath: directory.path)
        }
    }
}

/// What the tests need of a store of either kind beyond ``StateStore``.
extension StateStore {
    /// A second handle on the same store: what another process sees (for PostgreSQL, another replica,
    /// with claims of its own).
    func reopened() throws -> any StateStore {
        switch self {
        case let store as SQLiteStore:
            return try SQLiteStore.open(path: store.path)
        case let store as PostgresStore:
            return try PostgresStore.open(
                store.location, password: try PostgresCluster.shared().password, executor: StoreKind.executor)
        default:
            throw StoreError(.failed, "not a store of the conformance tests: \(type(of: self))")
        }
    }

    /// How the store's errors name it: the SQLite file's path, or the PostgreSQL URL without its query.
    var place: String {
        switch self {
        case let store as SQLiteStore: store.path
        case let store as PostgresStore: "\(store.location)"
        default: "\(type(of: self))"
        }
    }

    /// Runs `sql` (one statement or several) on the store's tables, which have the same names and
    /// columns in both kinds: for what no call of the store does (a row damaged, thousands at once).
    func execute(_ sql: String) throws {
        switch self {
        case let store as SQLiteStore:
            try store.pool.write { try $0.execute(sql: sql) }
        case let store as PostgresStore:
            try PostgresCluster.shared().psql(store.location.database, sql)
        default:
            throw StoreError(.failed, "not a store of the conformance tests: \(type(of: self))")
        }
    }

    /// The number `sql` (one query of one integer) answers.
    func count(_ sql: String) throws -> Int {
        switch self {
        case let store as SQLiteStore:
            return try store.pool.read { try Int.fetchOne($0, sql: sql) } ?? 0
        case let store as PostgresStore:
            let text = try PostgresCluster.shared().psql(store.location.database, sql)
            guard let number = Int(text) else {
                throw StoreError(.failed, "'\(sql)' answered '\(text)', not a number")
            }
            return number
        default:
            throw StoreError(.failed, "not a store of the conformance tests: \(type(of: self))")
        }
    }

    /// A process that began attempts died, and its claims ran out: for PostgreSQL, whose other
    /// replicas take a dead one's entries only after its lease (PostgresStoreReplicaTests waits for
    /// a real one), the leases end now; nothing for SQLite, whose next process takes them at once.
    func leasesRunOut() throws {
        guard self is PostgresStore else { return }
        try execute("UPDATE outbox SET lease_until = lease_until - 3600 WHERE lease_until IS NOT NULL")
    }

    // MARK: - The calls as the commands make them

    /// ``addEvent(contact:type:at:note:recordedAt:source:)`` as `tickler event add` does.
    @discardableResult
    func addEvent(contact: String, type: String, at: Int64, note: String? = nil) throws(StoreError) -> Event {
        try addEvent(
            contact: contact, type: type, at: at, note: note, recordedAt: 1_800_000_000, source: EventSource.cli)
    }

    @discardableResult
    func importEvents(_ events: [ImportedEvent]) throws(StoreError) -> ImportResult {
        try importEvents(events, recordedAt: 1_800_000_000)
    }

    @discardableResult
    func importEvents(_ events: [Event]) throws(StoreError) -> ImportResult {
        try importEvents(events.map(ImportedEvent.init), recordedAt: 1_800_000_000)
    }

    /// Every event, by time, then by when they were stored.
    func allEvents() throws(StoreError) -> [Event] {
        try events(contact: nil, type: nil)
    }

    func events(contact: String) throws(StoreError) -> [Event] {
        try events(contact: contact, type: nil)
    }

    func events(type: String) throws(StoreError) -> [Event] {
        try events(contact: nil, type: type)
    }

    func listedEvents() throws(StoreError) -> [ListedEvent] {
        try listedEvents(contact: nil, type: nil)
    }

    func listedEvents(contact: String) throws(StoreError) -> [ListedEvent] {
        try listedEvents(contact: contact, type: nil)
    }

    func dueWork(now: Int64, channel: String? = nil, limit: Int) throws(StoreError) -> [OutboxWork] {
        try dueWork(now: now, channel: channel, limit: limit, excluding: [])
    }

    func nextRetryAt() throws(StoreError) -> Int64? {
        try nextRetryAt(after: nil)
    }

    func status(now: Int64) throws(StoreError) -> OutboxStatus {
        try status(now: now, limit: 20)
    }

    func history() throws(StoreError) -> [HistoryEntry] {
        try history(contact: nil, limit: 100)
    }

    func history(contact: String) throws(StoreError) -> [HistoryEntry] {
        try history(contact: contact, limit: 100)
    }

    func history(limit: Int) throws(StoreError) -> [HistoryEntry] {
        try history(contact: nil, limit: limit)
    }
}
