import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tickler's state in one SQLite file (`state:` in the configuration): recorded events, the times
/// contacts were first seen, the outbox, the delivery history, and a few named values (`meta`).
///
/// The file is created on first use with mode 0600 (its directory with 0700), in WAL mode, with
/// foreign keys on and `synchronous = FULL` (a commit survives a power cut, which the outbox's
/// "committed before and after each delivery attempt" relies on). Several stores — in one process
/// or in several, such as the daemon and `tickler event add` — may have the same file open: writes
/// wait for each other up to `busyTimeout`, and reads never wait for writes.
///
/// Every method is synchronous and may block briefly on the file; every error is a ``StoreError``
/// that names the operation and the file, and never contains a statement's arguments (customer data
/// stays out of logs: GRDB's `publicStatementArguments` is left `false`).
public final class SQLiteStore: StateStore {
    /// How long a write waits for another connection's write to finish before failing.
    public static let busyTimeout: TimeInterval = 10

    /// The database file, as given to ``open(path:)``.
    public let path: String
    let pool: DatabasePool

    private init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// Opens the store at `path`, creating the file (and its directory) on first use and bringing
    /// its schema up to date.
    ///
    /// Fails with a ``StoreError`` when the file cannot be created or opened, is not an SQLite
    /// database, belongs to another program, or was written by a newer version of Tickler.
    public static func open(path: String) throws(StoreError) -> SQLiteStore {
        try createFile(at: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.publicStatementArguments = false
        configuration.label = "tickler.store"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try openPool(path: path, configuration: configuration)
        let store = SQLiteStore(path: path, pool: pool)
        // GRDB switches the writer to `synchronous = NORMAL` when it sets up WAL mode, after
        // `prepareDatabase` ran: set FULL again on the (single) writer connection.
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            throw StoreError(error, operation: "open", path: path)
        }
        try store.checkOwnership()
        do {
            try migrate(pool)
        } catch {
            throw StoreError(error, operation: "update the schema of", path: path)
        }
        restrictPermissions(of: path)
        return store
    }

    /// Opens an existing store for reading only: nothing in the file changes (no WAL set-up, no
    /// migration), for commands that promise to leave the state alone (`upcoming`, `render`).
    ///
    /// Fails like ``open(path:)``, and also when the store lacks migrations this version needs
    /// (any writing command, or the daemon, brings it up to date).
    public static func openForReading(path: String) throws(StoreError) -> SQLiteStore {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        configuration.publicStatementArguments = false
        configuration.label = "tickler.store.read"
        let pool = try openPool(path: path, configuration: configuration)
        let store = SQLiteStore(path: path, pool: pool)
        try store.checkOwnership()
        let migrator = Self.migrator
        let complete = try store.read("open") { db in try migrator.hasCompletedMigrations(db) }
        guard complete else {
            throw StoreError(
                .cannotOpen, "the state store '\(path)' needs an update this command does not make",
                note: "run 'tickler event list' (or start the daemon) once to bring it up to date")
        }
        return store
    }

    /// The current time in whole seconds since the epoch, the default for `recorded_at` columns.
    public static func now() -> Int64 {
        Int64(Date().timeIntervalSince1970.rounded(.down))
    }

    // MARK: - Access with errors mapped

    /// Runs `body` in a write transaction (IMMEDIATE: it holds the write lock from the start).
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, operation: operation, path: path)
        }
    }

    /// Runs `body` on a snapshot of the last committed state.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(error, operation: operation, path: path)
        }
    }

    // MARK: - The file

    /// Opens the pool, which switches a new file to WAL. SQLite answers that switch with "database is
    /// locked" at once, without waiting, while another connection is opening the same new file; so
    /// try again for up to `busyTimeout`.
    private static func openPool(path: String, configuration: Configuration) throws(StoreError) -> DatabasePool {
        let deadline = Date() + busyTimeout
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(10_000)
            } catch {
                throw StoreError(error, operation: "open", path: path)
            }
        }
    }

    /// Creates the directory (0700) and an empty file (0600) unless they exist, so SQLite never
    /// creates the database with its default mode, and reports the file-system reason when it cannot.
    private static func createFile(at path: String) throws(StoreError) {
        let fixes = "check 'state:' in the configuration, and that this user may write there"
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, !FileManager.default.fileExists(atPath: parent) {
            do {
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(
                    .cannotOpen, "cannot create the directory '\(parent)' for the state store '\(path)'", note: fixes)
            }
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError(
                .cannotOpen, "cannot open the state store '\(path)': it is a directory",
                note: "'state:' names the SQLite file itself, e.g. 'state: ../var/tickler.sqlite'")
        }
        let descriptor = createExclusively(path, mode: 0o600)
        if descriptor >= 0 {
            close(descriptor)
            return
        }
        let code = errno
        if code == EEXIST {
            guard access(path, R_OK | W_OK) == 0 else {
                throw StoreError(
                    .cannotOpen, "cannot open the state store '\(path)': \(describe(errno: errno))", note: fixes)
            }
            return
        }
        throw StoreError(.cannotOpen, "cannot create the state store '\(path)': \(describe(errno: code))", note: fixes)
    }

    /// Sets mode 0600 on the database and its `-wal` and `-shm` files, wherever they exist, so a file
    /// made by an older version or copied in with a looser mode is tightened. Best effort: a file this
    /// user does not own keeps its mode.
    private static func restrictPermissions(of path: String) {
        for file in [path, path + "-wal", path + "-shm"] {
            _ = chmod(file, 0o600)
        }
    }

    /// Refuses a database that another program made (tables, but no Tickler migrations) or that a
    /// newer Tickler migrated (migrations this version does not know).
    private func checkOwnership() throws(StoreError) {
        let migrator = Self.migrator
        let (tables, superseded) = try read("open") { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            return (tables, try migrator.hasBeenSuperseded(db))
        }
        if !tables.isEmpty, !tables.contains("grdb_migrations") {
            throw StoreError(
                .notATicklerStore, "'\(path)' is an SQLite database, but not Tickler's state store",
                note: "'state:' must name a file Tickler owns; choose a new path and Tickler creates the store there")
        }
        if superseded {
            throw StoreError(
                .newerVersion, "the state store '\(path)' was written by a newer version of Tickler",
                note: "run that version, or restore the store from a backup made with this one")
        }
    }

    static func describe(errno code: Int32) -> String {
        if code == EACCES || code == EPERM { return "permission denied" }
        guard let text = strerror(code) else { return "error \(code)" }
        let message = String(cString: text)
        return message.prefix(1).lowercased() + message.dropFirst()
    }
}

/// `open(2)` with `O_CREAT | O_EXCL`; a free function because inside `SQLiteStore` the name `open` is
/// the store's own.
private func createExclusively(_ path: String, mode: mode_t) -> Int32 {
    open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode)
}
