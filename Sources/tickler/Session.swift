import ArgumentParser
import Foundation
import Logging
import TicklerCore
import TicklerDaemon
import TicklerDelivery
import TicklerFiles
import TicklerInput
import TicklerMessages
import TicklerPostgres
import TicklerReports
import TicklerStore

/// What every command that works on the configuration starts with: the checked workspace, the
/// schedule built from it, and the state store.
struct Session {
    let workspace: Workspace
    let schedule: Schedule
    /// The store, when its file exists (reading commands never create it).
    let store: (any StateStore)?

    /// Loads the workspace and opens an existing store; nothing is created or changed.
    static func load(_ options: ConfigOptions, timings: PhaseTimings? = nil) throws -> Session {
        let workspace = try workspace(options, timings: timings)
        let schedule = workspace.schedule()
        timings?.end("schedule")
        let config = workspace.config
        let store = storeExists(config) ? try readOnlyStore(config) : nil
        timings?.end("store")
        return Session(workspace: workspace, schedule: schedule, store: store)
    }

    /// Loads and checks the workspace. On errors, prints every diagnostic (as `check` does) and
    /// exits 1; warnings are left to `tickler check`.
    /// `configLoaded` is called with the configuration before the contacts are read.
    static func workspace(
        _ options: ConfigOptions, timings: PhaseTimings? = nil, configLoaded: (Config) -> Void = { _ in }
    ) throws -> Workspace {
        let path = options.path
        let (workspace, diagnostics) = WorkspaceLoader.load(
            configPath: path, reader: FileSystemReader(), zones: SystemZoneDatabase(),
            environment: ProcessInfo.processInfo.environment, warningsOnlyWithErrors: true,
            configLoaded: configLoaded, phaseEnded: { timings?.end($0) })
        guard let workspace, !diagnostics.hasErrors else {
            Output.printDiagnostics(diagnostics)
            let errors = diagnostics.errorCount
            Output.printError("\(path): \(errors) \(errors == 1 ? "error" : "errors") found")
            throw ExitCode(1)
        }
        return workspace
    }

    /// Checks that libcurl loads when a channel needs it (SMTP, webhooks); otherwise reports why,
    /// with what to install, and exits 1 — at once, not when the first reminder is due.
    static func requireCurl(_ workspace: Workspace) throws {
        guard let problem = CurlRequirement.problem(for: workspace.config.channels) else { return }
        Output.printError("\(workspace.config.path): \(problem)")
        throw ExitCode(1)
    }

    /// What the event commands need of the workspace: the configuration, and the checks against its
    /// contacts and rules. When nothing is wrong they are read without making a `Contact` of anyone
    /// (`WorkspaceLoader.loadContactIDs`: a million contacts in a fraction of the time and memory);
    /// otherwise the workspace is loaded as `workspace(_:)` loads it, which reports every problem and
    /// exits 1 — so these commands refuse to run exactly when `workspace(_:)` would have them refuse.
    static func eventChecks(_ options: ConfigOptions, timings: PhaseTimings? = nil) throws -> (
        config: Config, checks: EventChecks
    ) {
        if let (config, contactIDs) = WorkspaceLoader.loadContactIDs(
            configPath: options.path, reader: FileSystemReader(), zones: SystemZoneDatabase(),
            phaseEnded: { timings?.end($0) })
        {
            let checks = EventChecks(config: config, contactIDs: contactIDs)
            timings?.end("checks")
            return (config, checks)
        }
        let workspace = try workspace(options, timings: timings)
        let checks = EventChecks(workspace)
        timings?.end("checks")
        return (workspace.config, checks)
    }

    /// Opens (creating on first use) the store at `state:` — a SQLite file, or a PostgreSQL
    /// database shared by replicas; failure is reported and exits 1.
    static func store(_ config: Config) throws -> any StateStore {
        do {
            return try openStore(config)
        } catch {
            throw report(error)
        }
    }

    /// Whether `state:` names a store that may hold something: a database (which says so when it is
    /// opened) or a file that is there.
    static func storeExists(_ config: Config) -> Bool {
        Config.isDatabaseURL(config.statePath) || FileManager.default.fileExists(atPath: config.statePath)
    }

    /// Opens (creating on first use) the store at `state:`, reporting nothing.
    static func openStore(_ config: Config) throws(StoreError) -> any StateStore {
        guard Config.isDatabaseURL(config.statePath) else { return try SQLiteStore.open(path: config.statePath) }
        let location = try PostgresLocation(url: config.statePath)
        let password = try PostgresPassword.resolve(
            for: location, variable: config.shared.passwordVariable, file: config.shared.passwordFile,
            environment: ProcessInfo.processInfo.environment)
        return try PostgresStore.open(
            location, password: password, executor: postgresExecutor, lease: config.shared.lease.seconds,
            logger: Logger(label: "tickler"))
    }

    /// Opens an existing store without changing it; failure is reported and exits 1. (A PostgreSQL
    /// store is opened as for writing: its schema is the database's, migrated by whoever comes first.)
    static func readOnlyStore(_ config: Config) throws -> any StateStore {
        guard !Config.isDatabaseURL(config.statePath) else { return try store(config) }
        do {
            return try SQLiteStore.openForReading(path: config.statePath)
        } catch {
            throw report(error)
        }
    }

    /// Where the PostgreSQL client's tasks run: a queue of their own, never one that waits on the store.
    static let postgresExecutor = SerialTaskExecutor(label: "tickler.postgres")

    /// Prints a store error with its note and returns the exit to throw.
    static func report(_ error: StoreError) -> ExitCode {
        Output.printError(error.message, notes: error.note.map { [.init($0)] } ?? [])
        return ExitCode(1)
    }

    /// Keeps the session alive until the process exits, moments later, for commands that end with
    /// it: the system takes back a million contacts' memory at once, where freeing them one by one
    /// takes a tenth of a second. Deliberately never released.
    func keepUntilExit() {
        _ = Unmanaged.passRetained(Kept(session: self))
    }

    private final class Kept {
        let session: Session
        init(session: Session) { self.session = session }
    }

    /// The index in `schedule.contacts` of the contact `id`; for an unknown id, prints the error with
    /// the nearest id and returns `nil` (the command reports its other problems, then exits 1).
    func contactIndex(_ id: String) -> Int? {
        do {
            return try ReportQueries.contactIndex(id, in: schedule)
        } catch {
            Self.printUnknown(error)
            return nil
        }
    }

    /// Prints an unknown owner or contact with the nearest id.
    static func printUnknown(_ unknown: UnknownID) {
        Output.printError(unknown.message, notes: unknown.nearest.map { [.init("did you mean '\($0)'?")] } ?? [])
    }

    /// Events and first-seen times from the store; empty when there is no store yet.
    func history() throws -> Schedule.History {
        do {
            return try ReportQueries.history(store)
        } catch {
            throw Self.report(error)
        }
    }

    /// Which of `keys` have been delivered already.
    func deliveredKeys(among keys: [String]) throws -> Set<String> {
        guard let store, !keys.isEmpty else { return [] }
        do {
            return try store.deliveredKeys(among: keys)
        } catch {
            throw Self.report(error)
        }
    }
}
