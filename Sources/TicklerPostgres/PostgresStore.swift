import Dispatch
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization
import TicklerCore
import TicklerStore

/// Tickler's state in a PostgreSQL database (`state: postgres://…`): the same ``StateStore`` as
/// ``SQLiteStore``, for any number of replicas sharing one database.
///
/// Every method is synchronous, like SQLite's: the caller (the daemon's queue, a command, the HTTP
/// service's event queue) blocks while postgres-nio's client runs the statements on its connection
/// pool. The client's tasks run on an executor of their own, never on the threads that wait, so a
/// wait cannot starve the work it waits for.
///
/// What several replicas need beyond SQLite's single process:
/// - the outbox is claimed, not just read: ``dueWork(now:channel:limit:excluding:)`` takes rows with
///   `FOR UPDATE SKIP LOCKED` and gives each a lease of ``lease`` seconds, renewed by ``heartbeat()``;
///   an attempt begins only on a claim still held, so a replica that was frozen past its lease
///   sends nothing another replica took over;
/// - event numbers come from one locked counter row, so they follow commit order and a replica
///   reading "events after N" never skips one committed late;
/// - every commit that records events notifies `tickler_events`, which ``observeEvents(_:)`` listens to.
///
/// Lease and due times come from the database's clock (`now()`), never a replica's own.
public final class PostgresStore: StateStore, @unchecked Sendable {
    /// Where the store is (no password).
    public let location: PostgresLocation
    /// This process's id among the replicas (host, pid and a random part): the owner of its claims.
    public let replica: String
    /// How long a claim on an outbox entry lasts without a heartbeat, in seconds.
    public let lease: Int64
    let client: PostgresClient
    let executor: any TaskExecutor
    let logger: Logger
    private let running: Task<Void, Never>
    let listening = Mutex<Task<Void, Never>?>(nil)
    let counters = ClaimCounters()
    /// When (monotonic nanoseconds) the last heartbeat that renewed this replica's leases began.
    let leaseStart = Mutex<UInt64>(DispatchTime.now().uptimeNanoseconds)
    /// Where the event listener waits before reconnecting.
    let backoffQueue = DispatchQueue(label: "tickler.postgres.backoff")

    /// How long one call may wait for the database (connecting included) before it fails.
    static let callTimeout: Double = 15
    /// Calls that move much data (a first start's first-seen times, an import) wait this long.
    static let bulkTimeout: Double = 600

    private init(
        location: PostgresLocation, client: PostgresClient, executor: any TaskExecutor, lease: Int64, logger: Logger
    ) {
        self.location = location
        self.client = client
        self.executor = executor
        self.lease = lease
        self.logger = logger
        let host = ProcessInfo.processInfo.hostName
        replica = "\(host):\(getpid()):\(UInt32.random(in: .min ... .max))"
        running = Task(executorPreference: executor) { await client.run() }
    }

    deinit {
        listening.withLock { $0?.cancel() }
        running.cancel()
    }

    /// Connects to the store at `location`, creating and migrating its schema (once, under an
    /// advisory lock, however many replicas start together).
    ///
    /// - Parameters:
    ///   - password: from ``PostgresPassword/resolve(for:variable:file:environment:)``.
    ///   - executor: runs the client's tasks; it must not be the executor of a caller that blocks
    ///     on this store.
    ///   - lease: how long a claim lasts without a heartbeat (seconds).
    public static func open(
        _ location: PostgresLocation, password: String?, executor: any TaskExecutor, lease: Int64 = 30,
        logger: Logger = Logger(label: "tickler.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws(StoreError) -> PostgresStore {
        let tls = try tlsSettings(location)
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(location.connectTimeout)
        // Idle replicas must not wake: no keep-alive pings, idle connections kept (the heartbeat
        // uses one every lease/3 anyway).
        configuration.options.keepAliveBehavior = nil
        configuration.options.connectionIdleTimeout = .seconds(3_600)
        configuration.options.maximumConnections = 8
        // A replica frozen (SIGSTOP, a pause) inside a transaction would hold its row locks, and the
        // others' take-overs would wait on them for as long as it sleeps: the server ends such a
        // session once it has been idle in its transaction for a lease (at least 10 s, so that no
        // transaction of ours, which waits on the client only while it builds a batch, is cut off).
        configuration.options.additionalStartupParameters = [
            ("application_name", "tickler"),
            ("idle_in_transaction_session_timeout", "\(max(lease, 10) * 1_000)"),
        ]
        // The pool's own log (every reconnect, at debug) stays out; the store logs what matters.
        let client = PostgresClient(
            configuration: configuration,
            backgroundLogger: Logger(label: "tickler.postgres.pool", factory: { _ in SwiftLogNoOpLogHandler() }))
        let store = PostgresStore(
            location: location, client: client, executor: executor, lease: lease, logger: logger)
        try store.connectOnce(password: password)
        try store.migrate()
        return store
    }

    /// Connects once outside the pool, which retries a refused login without passing on why: so a
    /// wrong password, an unknown database or a refused TLS handshake is reported as the server says.
    private func connectOnce(password: String?) throws(StoreError) {
        let location = location
        let tls: PostgresConnection.Configuration.TLS
        do {
            if let acceptsPlain = Self.acceptsPlain(location) {
                let context = try NIOSSLContext(configuration: try Self.tlsConfiguration(location))
                tls = acceptsPlain ? .prefer(context) : .require(context)
            } else {
                tls = .disable
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot set up TLS for the state store '\(location)': \(error)")
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(Int64(location.connectTimeout))
        let logger = logger
        let settings = configuration
        try call("connect to", timeout: Double(location.connectTimeout) + 5) { _ in
            let connection = try await PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.next(), configuration: settings, id: 0,
                logger: logger
            ).get()
            try await connection.close()
        }
    }

    private static func tlsSettings(_ location: PostgresLocation) throws(StoreError) -> PostgresClient.Configuration.TLS
    {
        guard let acceptsPlain = acceptsPlain(location) else { return .disable }
        return acceptsPlain ? .prefer(try tlsConfiguration(location)) : .require(try tlsConfiguration(location))
    }

    /// Whether `sslmode` lets a connection go on without TLS when the server has none (`allow`,
    /// `prefer`); `nil` when it uses no TLS at all (`disable`).
    private static func acceptsPlain(_ location: PostgresLocation) -> Bool? {
        switch location.tls {
        case .disable: nil
        case .allow, .prefer: true
        case .require, .verifyCA, .verifyFull: false
        }
    }

    /// libpq's `sslmode` as a TLS configuration: `allow`, `prefer` and `require` encrypt without
    /// checking the certificate; `verify-ca` checks it against `sslrootcert` (or the system's
    /// authorities); `verify-full` checks the host name too.
    private static func tlsConfiguration(_ location: PostgresLocation) throws(StoreError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable, .allow, .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let file = location.rootCertificate {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw StoreError(
                    .cannotOpen, "cannot read the certificate authorities '\(file)' (sslrootcert)",
                    note: "give the path of a PEM file this user can read")
            }
            tls.trustRoots = .file(file)
        }
        return tls
    }

    public func clockOffset() throws(StoreError) -> Double {
        let before = Date().timeIntervalSince1970
        let database = try call("read the clock of") { client in
            let rows = try await client.query(
                "SELECT extract(epoch FROM clock_timestamp())::float8", logger: self.logger)
            for try await value in rows.decode(Double.self) { return value }
            return 0
        }
        let after = Date().timeIntervalSince1970
        return database - (before + after) / 2
    }

    /// Stops the client: connections are closed and calls fail from now on.
    public func close() {
        listening.withLock { $0?.cancel() }
        running.cancel()
    }

    // MARK: - Calls

    /// Runs `body` with the client and waits for it, at most `timeout` seconds.
    @discardableResult
    func call<T: Sendable>(
        _ operation: String, timeout: Double = callTimeout,
        _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) throws(StoreError) -> T {
        let outcome = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let client = client
        let task = Task(executorPreference: executor) {
            let result: Result<T, any Error>
            do {
                result = .success(try await body(client))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            task.cancel()
            throw StoreError(
                .unreachable, "cannot \(operation) the state store '\(location)': no answer within \(Int(timeout)) s",
                note: "check that PostgreSQL runs and that this host may reach \(location.host):\(location.port)")
        }
        switch outcome.withLock({ $0 })! {
        case .success(let value): return value
        case .failure(let error): throw storeError(error, operation: operation)
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED, as PostgreSQL's default).
    func transaction<T: Sendable>(
        _ operation: String, timeout: Double = callTimeout,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) throws(StoreError) -> T {
        let logger = logger
        return try call(operation, timeout: timeout) { client in
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// What went wrong, in the store's words: never the statement's arguments (customer data) nor
    /// the password.
    func storeError(_ error: any Error, operation: String) -> StoreError {
        if let error = error as? StoreError { return error }
        let place = "the state store '\(location)'"
        if let error = error as? PostgresTransactionError {
            return storeError(
                error.closureError ?? error.commitError ?? error.beginError ?? error, operation: operation)
        }
        guard let error = error as? PSQLError else {
            return StoreError(.failed, "cannot \(operation) \(place): \(error)")
        }
        if let info = error.serverInfo {
            let message = info[.message] ?? "an error"
            let state = info[.sqlState] ?? ""
            switch state {
            case "28P01", "28000":
                return StoreError(
                    .cannotOpen, "cannot \(operation) \(place): \(message)",
                    note: "check the password (state_password_env, state_password_file or PGPASSWORD) and pg_hba.conf")
            case "3D000":
                return StoreError(
                    .cannotOpen, "cannot \(operation) \(place): \(message)",
                    note: "create it first: createdb -O \(location.user) \(location.database)")
            case "42501":
                return StoreError(
                    .readOnly, "cannot \(operation) \(place): \(message)",
                    note: "the user '\(location.user)' needs to own the database or its tables")
            case "53100":
                return StoreError(
                    .full, "cannot \(operation) \(place): \(message)", note: "free some space on the database server")
            case let code where code.hasPrefix("57P") || code.hasPrefix("08"):
                return StoreError(
                    .unreachable, "cannot \(operation) \(place): \(message)",
                    note: "the database restarts or is shutting down; Tickler tries again")
            default:
                return StoreError(.failed, "cannot \(operation) \(place): \(message) (SQLSTATE \(state))")
            }
        }
        if let underlying = error.underlying, underlying is NIOSSLError || underlying is NIOSSLExtraError {
            // Not a network trouble that passes: the server's certificate, or its TLS, was refused.
            let note =
                switch location.tls {
                case .verifyFull:
                    "sslmode=verify-full: the certificate must name '\(location.host)' (use the host name it was issued for) and be signed by an authority in sslrootcert, else the system's"
                case .verifyCA:
                    "sslmode=verify-ca: the certificate must be signed by an authority in sslrootcert, else the system's"
                default: "check the server's TLS settings (ssl, ssl_cert_file) and sslmode"
                }
            return StoreError(.cannotOpen, "cannot \(operation) \(place) over TLS: \(underlying)", note: note)
        }
        var reason = "\(error.code)"
        if let underlying = error.underlying { reason += ": \(underlying)" }
        let note =
            location.tls == .disable
            ? "check that PostgreSQL runs and that this host may reach \(location.host):\(location.port)"
            : "check that PostgreSQL runs, that this host may reach \(location.host):\(location.port), and sslmode"
        return StoreError(.unreachable, "cannot \(operation) \(place): \(reason)", note: note)
    }
}
