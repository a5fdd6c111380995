import GRDB
import GRDBSQLite

/// A statement prepared by GRDB and run through SQLite's C interface, for loops that run it once
/// per row of an import: GRDB's `StatementArguments` box every value, and each of its fetches makes
/// a cursor and a row, which cost more than SQLite's own work for a small insert or look-up.
///
/// Values are bound by position, texts copied by SQLite (`SQLITE_TRANSIENT`). Errors are
/// GRDB's `DatabaseError`s, with the statement's SQL and never its arguments.
struct RowStatement {
    private let statement: Statement
    private let connection: OpaquePointer

    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql)
        }
        statement = try db.makeStatement(sql: sql)
        self.connection = connection
    }

    private var handle: OpaquePointer { statement.sqliteStatement }

    /// Starts the statement again, for new values to be bound.
    func reset() {
        sqlite3_reset(handle)
    }

    /// Binds a text to parameter `index` (1-based); `nil` binds NULL.
    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        _ = text.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL.
            if let base = bytes.baseAddress {
                sqlite3_bind_text(handle, index, base, Int32(bytes.count), Self.transient)
            } else {
                sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    /// Binds an integer to parameter `index` (1-based); `nil` binds NULL.
    func bind(_ index: Int32, _ number: Int64?) {
        guard let number else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, number)
    }

    /// Runs the statement to its first row: `true` when there is one (read it with `text` and
    /// `integer`), `false` when it is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw failure(code)
        }
    }

    /// The error of a step that failed with `code`; the statement is reset.
    private func failure(_ code: Int32) -> DatabaseError {
        let message = sqlite3_errmsg(connection).map { String(cString: $0) }
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }

    /// Runs the statement to its end.
    func execute() throws {
        while try step() {}
    }

    /// Runs an insert: `false` when a `UNIQUE` constraint refused the row, which then changed
    /// nothing (not even an AUTOINCREMENT sequence); throws on any other failure.
    func insert() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_DONE: return true
        case ResultCode.SQLITE_CONSTRAINT_UNIQUE.rawValue:
            sqlite3_reset(handle)
            return false
        case let code: throw failure(code)
        }
    }

    /// The text in column `column` (0-based) of the current row; `nil` for NULL.
    func text(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The bytes of the text in column `column` (0-based) of the current row, valid during `body`;
    /// `body` is not called for NULL.
    func withText(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let text = sqlite3_column_text(handle, column) else { return }
        body(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column))))
    }

    /// The integer in column `column` (0-based) of the current row.
    func integer(_ column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    /// The rowid of the row the connection inserted last.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }

    /// SQLite copies the text before the call returns.
    private static var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
}
