import ArgumentParser
import Foundation
import TicklerCore
import TicklerPostgres
import TicklerStore

/// `tickler state`: work on a state store as a whole.
struct StateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Work on a state store as a whole: copy it to another.",
        discussion: """
            Example:
              tickler state copy var/tickler.sqlite postgres://tickler@db:5432/tickler
            """,
        subcommands: [StateCopyCommand.self]
    )
}

/// `tickler state copy FROM TO [--force]`: a store's every row into another store (SQLite ⇄
/// PostgreSQL), so moving loses nothing and re-sends nothing.
struct StateCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a state store into another (SQLite ⇄ PostgreSQL), losing and re-sending nothing.",
        discussion: """
            Copies every event (with its id and number, source and sender id), every first-seen time, \
            the daemon's marks, every outbox entry with its stored message and state, and the delivery \
            history; the target assigns event numbers above every number the source handed out. The \
            source is read in one snapshot and the target written in one transaction: all or nothing.

            FROM and TO are each the path of a SQLite file or a postgres:// URL. FROM must exist; a \
            SQLite TO is created. A URL holds no password: it comes from PGPASSWORD or PGPASSFILE \
            (~/.pgpass), as libpq's own tools read it. A TO that holds anything is refused unless \
            --force is given, which replaces all it holds.

            Run it while every daemon using either store is stopped: what a running daemon does \
            meanwhile is not copied, and one using TO would work on a store that changes under it. \
            Then point 'state:' at TO and start the daemon.

            Examples:
              tickler state copy var/tickler.sqlite postgres://tickler@db:5432/tickler
              PGPASSWORD=… tickler state copy postgres://tickler@db/tickler var/copy.sqlite
            """
    )

    @Argument(help: ArgumentHelp("The store to copy: a SQLite file's path or a postgres:// URL.", valueName: "from"))
    var from: String

    @Argument(help: ArgumentHelp("The store to copy into: a SQLite file's path or a postgres:// URL.", valueName: "to"))
    var to: String

    @Flag(help: "Replace everything TO holds when it is not empty.")
    var force = false

    func run() throws {
        let source = try StoreAddress(from)
        let target = try StoreAddress(to)
        if source.isSame(as: target) {
            Output.printError(
                "'\(source)' and '\(target)' are the same store; nothing was copied",
                notes: [.init("TO must be another store: a new SQLite file's path, or another database's URL")])
            throw ExitCode(1)
        }
        if case .file(let path) = source, !FileManager.default.fileExists(atPath: path) {
            Output.printError(
                "there is no state store '\(path)' to copy from",
                notes: [
                    .init(
                        "FROM must be an existing SQLite file (the 'state:' of the configuration) or a postgres:// URL")
                ])
            throw ExitCode(1)
        }
        do {
            let from = try source.open()
            let to = try target.open()
            if !force, try !to.isEmpty() {
                Output.printError(
                    "'\(target)' is not empty: it holds \(Self.summary(try to.contents())); nothing was copied",
                    notes: [
                        .init(
                            "copy into a new, empty store, or add --force to replace everything '\(target)' holds "
                                + "with the contents of '\(source)'")
                    ])
                throw ExitCode(1)
            }
            let contents = try from.contents()
            try to.replaceContents(with: contents)
            Output.write(
                "copied \(Self.count(contents.events.count, "event")), "
                    + "\(Self.count(contents.firstSeen.count, "first-seen time")), "
                    + "\(Self.count(contents.outbox.count, "outbox entry", "outbox entries")), "
                    + "\(Self.count(contents.deliveries.count, "delivery attempt")) from \(source) to \(target)\n")
        } catch let error as StoreError {
            throw Session.report(error)
        }
    }

    /// What a store holds, in words: `3 events, 2 first-seen times, …`.
    static func summary(_ contents: StoreContents) -> String {
        [
            count(contents.events.count, "event"), count(contents.firstSeen.count, "first-seen time"),
            count(contents.outbox.count, "outbox entry", "outbox entries"),
            count(contents.deliveries.count, "delivery attempt"), count(contents.meta.count, "daemon mark"),
        ].joined(separator: ", ")
    }

    static func count(_ number: Int, _ one: String, _ many: String? = nil) -> String {
        "\(number) \(number == 1 ? one : many ?? one + "s")"
    }
}

/// Where a store named on the command line is: a SQLite file or a PostgreSQL database.
private enum StoreAddress: CustomStringConvertible {
    case file(String)
    case database(PostgresLocation)

    init(_ text: String) throws {
        guard Config.isDatabaseURL(text) else {
            self = .file(text)
            return
        }
        do {
            self = .database(try PostgresLocation(url: text))
        } catch {
            throw Session.report(error)
        }
    }

    /// The path as given, or the URL without its query (never a password: a URL cannot hold one).
    var description: String {
        switch self {
        case .file(let path): path
        case .database(let location): "\(location)"
        }
    }

    /// Whether both name the same file (through links too) or the same database of one server.
    func isSame(as other: StoreAddress) -> Bool {
        switch (self, other) {
        case (.file(let a), .file(let b)):
            return Self.canonical(a) == Self.canonical(b)
        case (.database(let a), .database(let b)):
            return a.host.lowercased() == b.host.lowercased() && a.port == b.port && a.database == b.database
        default:
            return false
        }
    }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Opens the store (a SQLite file is created when missing, its schema brought up to date).
    func open() throws(StoreError) -> any CopyableStore {
        switch self {
        case .file(let path):
            return try SQLiteStore.open(path: path)
        case .database(let location):
            let password = try PostgresPassword.resolve(
                for: location, variable: nil, file: nil, environment: ProcessInfo.processInfo.environment)
            return try PostgresStore.open(location, password: password, executor: Session.postgresExecutor)
        }
    }
}
