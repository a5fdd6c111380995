import GRDB

/// Why the state store could not do what was asked: what, where (the file) and, in ``note``, how to
/// fix it. Never contains a statement's arguments, so no customer data reaches a log through it.
///
/// Match on ``kind``; kinds may be added, so a `switch` over them needs a `default`.
///
///     catch let error as StoreError where error.kind == .conflictingEvents { … error.eventIDs … }
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable, Hashable {
            case cannotOpen = "cannot open"
            case notADatabase = "not a database"
            case notATicklerStore = "not a Tickler store"
            case newerVersion = "newer version"
            case damaged
            case busy
            case readOnly = "read-only"
            case full
            case conflictingEvents = "conflicting events"
            case invalidEvent = "invalid event"
            case unknownKey = "unknown key"
            case wrongState = "wrong state"
            case unreachable
            case lostClaim = "lost claim"
            case failed
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file or its directory cannot be created, opened or read.
        public static let cannotOpen = Kind(.cannotOpen)
        /// The file exists but is not an SQLite database.
        public static let notADatabase = Kind(.notADatabase)
        /// An SQLite database made by another program.
        public static let notATicklerStore = Kind(.notATicklerStore)
        /// Migrated by a newer version of Tickler than this one.
        public static let newerVersion = Kind(.newerVersion)
        /// SQLite reports the file as corrupt, or a value in it is not what Tickler wrote there.
        public static let damaged = Kind(.damaged)
        /// Another connection held the write lock for longer than ``SQLiteStore/busyTimeout``.
        public static let busy = Kind(.busy)
        /// The file or its directory cannot be written.
        public static let readOnly = Kind(.readOnly)
        /// The disk is full.
        public static let full = Kind(.full)
        /// An import names event ids that the store holds with other content (see ``StoreError/eventIDs``).
        public static let conflictingEvents = Kind(.conflictingEvents)
        /// An event that cannot be stored (an empty id in an import).
        public static let invalidEvent = Kind(.invalidEvent)
        /// No outbox entry has the occurrence key given.
        public static let unknownKey = Kind(.unknownKey)
        /// The outbox entry is not in a state that allows what was asked (an attempt of a delivered
        /// entry, the end of an attempt that is not the one in flight).
        public static let wrongState = Kind(.wrongState)
        /// The database server does not answer (PostgreSQL down, restarting, or out of reach).
        public static let unreachable = Kind(.unreachable)
        /// Another replica took the outbox entry over: this process's lease on it ran out.
        public static let lostClaim = Kind(.lostClaim)
        /// Any other SQLite failure.
        public static let failed = Kind(.failed)

        public var description: String { value.rawValue }
    }

    public let kind: Kind
    /// What failed, and where: `cannot open the state store 'var/tickler.sqlite': permission denied`.
    public let message: String
    /// How to fix it, when there is something to say.
    public let note: String?
    /// For ``Kind/conflictingEvents``: the ids, in the order the import gave them.
    public let eventIDs: [String]

    public init(_ kind: Kind, _ message: String, note: String? = nil, eventIDs: [String] = []) {
        self.kind = kind
        self.message = message
        self.note = note
        self.eventIDs = eventIDs
    }

    /// A named value of the store's `meta` table that is not what Tickler writes there (`what`):
    /// edited by hand, or damaged. `note` says how to make a new one.
    public static func damagedMetaValue(_ name: String, expected what: String, note: String) -> StoreError {
        StoreError(.damaged, "the state store's '\(name)' is not \(what)", note: note)
    }

    /// `message (note)`.
    public var description: String {
        guard let note else { return message }
        return "\(message) (\(note))"
    }

    /// A GRDB or SQLite error during `operation` (`open`, `record an event in`) on the store at `path`.
    ///
    /// Only SQLite's own message is kept: GRDB's description would add the SQL (harmless) and, were
    /// `publicStatementArguments` ever switched on, the arguments (customer data).
    init(_ error: any Error, operation: String, path: String) {
        if let error = error as? StoreError {
            self = error
            return
        }
        guard let error = error as? DatabaseError else {
            self.init(.failed, "cannot \(operation) the state store '\(path)': \(error)")
            return
        }
        let reason = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        let place = "the state store '\(path)'"
        switch error.resultCode {
        case .SQLITE_NOTADB:
            self.init(
                .notADatabase, "'\(path)' is not an SQLite database",
                note: "'state:' must name Tickler's state file; move this file away or choose another path")
        case .SQLITE_CORRUPT:
            self.init(
                .damaged, "\(place) is damaged: \(reason)",
                note: "restore it from a backup; 'sqlite3 FILE .recover' may save what is left")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            self.init(
                .busy, "cannot \(operation) \(place): it stayed locked by another process for too long",
                note: "another tickler holds a long write; try again")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            self.init(
                .readOnly, "cannot \(operation) \(place): \(reason)",
                note: "the file, its -wal and -shm files and its directory must be writable by this user")
        case .SQLITE_CANTOPEN:
            self.init(
                .cannotOpen, "cannot \(operation) \(place): \(reason)",
                note: "check 'state:' in the configuration, and that this user may write to the file and its directory")
        case .SQLITE_FULL:
            self.init(.full, "cannot \(operation) \(place): the disk is full", note: "free some space and try again")
        default:
            self.init(.failed, "cannot \(operation) \(place): \(reason)")
        }
    }
}
