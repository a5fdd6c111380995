import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private PostgreSQL cluster for tests: Debian's `postgresql` binaries (`initdb`, `pg_ctl`,
/// `postgres` under `/usr/lib/postgresql/VERSION/bin`), a data directory in a fresh temporary
/// directory, a server on 127.0.0.1 at a port the kernel picked. Never the system service.
///
///     let cluster = try PostgresCluster.shared()
///     let url = try cluster.createDatabase()   // postgres://tickler@127.0.0.1:PORT/test_1?sslmode=disable
///     // connect to url with cluster.password …
///     #expect(try cluster.psql(url, "select count(*) from events") == "3")
///
/// The superuser is `tickler`, with a random ``password`` that every TCP and socket connection must
/// give (SCRAM-SHA-256); the databases are UTF-8 with the C.UTF-8 locale. The server runs without
/// fsync (a test's data need not survive the machine), with `max_connections = 200`, its socket and
/// its log (``logPath``) in the temporary directory.
///
/// PostgreSQL refuses to run as root: when the tests do (in CI), `initdb` and `pg_ctl` run as the
/// `postgres` user (through `setpriv`) in a directory given to it; otherwise as the current user.
///
/// Most tests share one cluster (``shared()``), started on first use and stopped when the test
/// process exits, each with databases of its own (``createDatabase()``). A test that restarts or
/// kills its server makes its own (``init()``), stopped and deleted when released. Starting one takes
/// about a second (`initdb` most of it). One whose test process crashed is removed by the next test
/// process that starts a shared cluster.
///
/// ``stop()``, ``start()``, ``restart()`` and ``kill()`` are for one test at a time: do not call them
/// on one cluster from several threads at once.
public final class PostgresCluster: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The port the server listens on (127.0.0.1); the same after ``restart()`` and ``start()``.
    public let port: Int
    /// The superuser's name: `tickler`.
    public let user: String
    /// The superuser's password, random for each cluster (hex digits).
    public let password: String
    /// The directory of the PostgreSQL programs (`/usr/lib/postgresql/15/bin`), for a test that runs
    /// one itself (`psql` with a wrong password, `pg_dump`).
    public var binDirectory: String { programs.binDirectory }
    /// The server's log file (what `pg_ctl -l` appends to), for failure messages.
    public var logPath: String { programs.logPath }

    private let programs: Programs
    private let databaseCount = Mutex(0)

    /// The cluster of this test process: started by the first call, stopped (`pg_ctl stop -m immediate`'s
    /// way) and deleted when the process exits. Throws the first call's failure to every later call.
    public static func shared() throws -> PostgresCluster {
        try sharedCluster.withLock { cluster in
            if cluster == nil {
                Programs.removeAbandonedClusters()
                cluster = Result { try PostgresCluster() }
                atexit { PostgresCluster.stopSharedCluster() }
            }
            return try cluster!.get()
        }
    }

    private static let sharedCluster = Mutex<Result<PostgresCluster, any Error>?>(nil)

    private static func stopSharedCluster() {
        // Not `withLock`: a thread may hold the lock while the process exits.
        let cluster = sharedCluster.withLockIfAvailable { try? $0?.get() } ?? nil
        cluster?.programs.shutDown()
    }

    /// Makes and starts a cluster of one's own, for a test that stops, restarts or kills it; it is
    /// stopped and its directory deleted when released.
    public init() throws {
        let programs = try Programs()
        user = "tickler"
        password = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        let passwordFile = try programs.directory.write("password", password + "\n")
        try programs.giveToServer(passwordFile, mode: 0o600)
        try programs.run(
            "initdb", server: true,
            [
                "initdb", "--pgdata=" + programs.dataDirectory, "--auth=scram-sha-256", "--username=" + user,
                "--pwfile=" + passwordFile, "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
            ])
        try FileManager.default.removeItem(atPath: passwordFile)
        try programs.configure(
            """

            # PostgresCluster (TicklerTestSupport)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(programs.directory.path)'
            fsync = off
            max_connections = 200

            """)

        // The port was free an instant ago; another process may take it before the server binds it.
        var attempt = 1
        while true {
            let candidate = try SMTPSink.closedPort()
            try programs.configure("port = \(candidate)\n")  // the last setting of a name wins
            let logStart = programs.log().utf8.count
            do {
                try programs.start()
                port = candidate
                break
            } catch let failure as Failure {
                let clash = String(decoding: programs.log().utf8.dropFirst(logStart), as: UTF8.self)
                    .contains("could not bind")
                guard clash, attempt < 5 else {
                    programs.shutDown()  // in case it did start, after pg_ctl gave up waiting
                    throw failure
                }
                attempt += 1
            }
        }
        self.programs = programs
    }

    deinit {
        programs.shutDown()
    }

    /// Makes a new, empty database with a name not used before in this cluster; returns its URL,
    /// `postgres://tickler@127.0.0.1:PORT/NAME?sslmode=disable` (without the password).
    public func createDatabase() throws -> String {
        let number = databaseCount.withLock { count in
            count += 1
            return count
        }
        let name = "test_\(number)"
        try psql("postgres", "CREATE DATABASE \(name)")
        return url(name)
    }

    /// The URL of the database `name` in this cluster (without the password).
    public func url(_ name: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Runs `sql` (statements, one after another, as a script) in `database` — a name, or a URL
    /// from ``createDatabase()`` — as the superuser over TCP, with `psql -X -A -t -q -v ON_ERROR_STOP=1`:
    /// returns what the queries print, trimmed (rows on lines, columns separated by `|`; no headers,
    /// counts or command tags). Throws at the first failing statement, with psql's errors.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let output = try programs.run(
            "psql", server: false,
            [
                "PGPASSWORD=" + password, "PGCONNECT_TIMEOUT=10", "psql", "-X", "-A", "-t", "-q", "-w",
                "-v", "ON_ERROR_STOP=1", "--dbname=" + (database.contains("://") ? database : url(database)),
                "--file=-",
            ],
            input: sql)
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server (`pg_ctl stop -m fast`: open connections are closed), keeping its data for
    /// ``start()``. Nothing when it is not running.
    public func stop() throws {
        guard programs.isRunning else { return }
        try programs.pgCtl("stop", ["stop", "--mode=fast"])
    }

    /// Starts the stopped (or killed) server again, on the same port with the same data. Nothing
    /// when it runs.
    public func start() throws {
        guard !programs.isRunning else { return }
        try programs.start()
    }

    /// Restarts the server (`pg_ctl restart -m fast`): open connections are closed, the data stays.
    public func restart() throws {
        programs.removeStaleLockFiles()
        try programs.pgCtl("restart", ["restart", "--mode=fast", "--log=" + logPath])
    }

    /// Kills the server the hard way, for tests of a database that goes away: SIGKILL to the postmaster
    /// and to every process it started, at one instant (it is stopped first, so it starts no more),
    /// as if the machine had died. Returns when they are gone; ``start()`` starts it again (with
    /// crash recovery). Throws when the server is not running.
    public func kill() throws {
        guard let postmaster = programs.postmasterPID(), Processes.isAlive(postmaster) else {
            throw Failure(description: "PostgresCluster.kill(): the server is not running\n" + programs.logTail())
        }
        guard Processes.kill(server: postmaster) else {
            throw Failure(
                description: "PostgresCluster.kill(): the server's processes did not die\n" + programs.logTail())
        }
    }

    /// Serves TLS with `certificate` and `key` (PEM files, copied into the data directory) and takes
    /// TCP connections only over it (`hostssl` instead of `host` in pg_hba.conf); reloads the server.
    public func requireTLS(certificate: String, key: String) throws {
        let directory = programs.dataDirectory
        for (source, name) in [(certificate, "server.crt"), (key, "server.key")] {
            let target = directory + "/" + name
            try? FileManager.default.removeItem(atPath: target)
            try FileManager.default.copyItem(atPath: source, toPath: target)
            try programs.giveToServer(target, mode: 0o600)
        }
        try programs.configure("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
        let hba = directory + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false
        )
        .map { $0.hasPrefix("host ") ? "hostssl" + $0.dropFirst(4) : $0 }
        try rules.joined(separator: "\n").write(toFile: hba, atomically: false, encoding: .utf8)
        try programs.pgCtl("reload", ["reload"])
    }

    /// The server's log so far.
    public func log() -> String {
        programs.log()
    }
}

/// A cluster's temporary directory, its data directory and the programs run on them.
private struct Programs: Sendable {
    /// The `postgres` user the server runs as when the tests run as root.
    struct ServerUser: Sendable {
        var uid: uid_t
        var gid: gid_t
    }

    let binDirectory: String
    let directory: TemporaryDirectory
    let dataDirectory: String
    let logPath: String
    /// `nil` when the tests do not run as root: then the server runs as the current user.
    let serverUser: ServerUser?

    /// Finds the newest `/usr/lib/postgresql/VERSION/bin`, and makes the temporary directory (the server's).
    init() throws {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Double($0) ?? 0) < (Double($1) ?? 0) }
        guard let newest = versions.last else {
            throw PostgresCluster.Failure(
                description: "PostgresCluster: no \(root)/*/bin/initdb (the postgresql package): run bin/setup")
        }
        binDirectory = "\(root)/\(newest)/bin"
        if getuid() == 0 {
            guard let entry = getpwnam("postgres") else {
                throw PostgresCluster.Failure(
                    description: "PostgresCluster: no user postgres (the postgresql package makes it): run bin/setup")
            }
            serverUser = ServerUser(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        } else {
            serverUser = nil
        }
        directory = try TemporaryDirectory()
        dataDirectory = directory.path("data")
        logPath = directory.path("postgres.log")
        try directory.write(Self.ownerFile, Self.ownerMark())
        try giveToServer(directory.path, mode: 0o700)
    }

    /// Runs `command` — optional `NAME=value` settings, then a program of `binDirectory` and its
    /// arguments — with only those in its environment, in the temporary directory, as the server's user
    /// when `server`; returns its output, throws with its errors and the log's end.
    @discardableResult
    func run(_ what: String, server: Bool, _ command: [String], input: String = "") throws -> String {
        var arguments = ["-i", "-C", directory.path, "PATH=/usr/bin:/bin"]
        var command = command[...]
        while let setting = command.first, setting.contains("=") {
            arguments.append(setting)
            command = command.dropFirst()
        }
        if server {
            arguments += ["/bin/bash", "-c", Self.closeDescriptorsAndRun, "bash"]
            if let serverUser {
                arguments += [
                    "/usr/bin/setpriv", "--reuid=\(serverUser.uid)", "--regid=\(serverUser.gid)", "--init-groups",
                    "--",
                ]
            }
        }
        arguments.append(binDirectory + "/" + command.first!)
        arguments += command.dropFirst()
        do {
            let output = try Subprocess.run("/usr/bin/env", arguments, input: Array(input.utf8))
            return String(decoding: output, as: UTF8.self)
        } catch let failure as Subprocess.Failure {
            // "env failed (STATUS): STDERR"
            let reason =
                failure.description.hasPrefix("env ") ? failure.description.dropFirst(4) : failure.description[...]
            throw PostgresCluster.Failure(description: "PostgresCluster: \(what) \(reason)\n" + logTail())
        }
    }

    /// Closes every descriptor above 2, then runs its arguments. Foundation's `Process` (which
    /// `Subprocess` uses) hands its child one end of a socket pair and takes the socket's end as the
    /// child's: inherited by a server that `pg_ctl start` leaves running, it would keep `pg_ctl` from
    /// being reaped (a zombie) and `Subprocess.run` waiting until the server stops
    /// (swift-corelibs-foundation issue 4795).
    private static let closeDescriptorsAndRun = #"""
        for fd in /proc/$$/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
        done
        exec "$@"
        """#

    /// `pg_ctl ARGUMENTS --wait --silent` on the data directory, as the server's user.
    func pgCtl(_ what: String, _ arguments: [String]) throws {
        try run(
            "pg_ctl " + what, server: true,
            ["pg_ctl"] + arguments + ["--pgdata=" + dataDirectory, "--wait", "--timeout=60", "--silent"])
    }

    /// `pg_ctl start`, logging to `logPath` (without `--log`, the server would write to, and hold open,
    /// the pipe `run` reads to its end).
    func start() throws {
        removeStaleLockFiles()
        try pgCtl("start", ["start", "--log=" + logPath])
    }

    /// Appends `settings` to `postgresql.conf`.
    func configure(_ settings: String) throws {
        let path = dataDirectory + "/postgresql.conf"
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw PostgresCluster.Failure(description: "PostgresCluster: cannot open \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Array(settings.utf8))
    }

    /// Makes `path` the server user's (when root), with `mode`.
    func giveToServer(_ path: String, mode: mode_t) throws {
        if let serverUser, chown(path, serverUser.uid, serverUser.gid) != 0 {
            throw PostgresCluster.Failure(
                description: "PostgresCluster: chown \(path): \(String(cString: strerror(errno)))")
        }
        guard chmod(path, mode) == 0 else {
            throw PostgresCluster.Failure(
                description: "PostgresCluster: chmod \(path): \(String(cString: strerror(errno)))")
        }
    }

    func log() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    func logTail() -> String {
        let lines = log().split(separator: "\n", omittingEmptySubsequences: false).suffix(30)
        return "the end of \(logPath):\n" + lines.joined(separator: "\n")
    }

    var isRunning: Bool {
        postmasterPID().map(Processes.isAlive) ?? false
    }

    /// The first line of `postmaster.pid`, when there is one.
    func postmasterPID() -> pid_t? {
        Self.postmasterPID(dataDirectory: dataDirectory)
    }

    static func postmasterPID(dataDirectory: String) -> pid_t? {
        guard let contents = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        return contents.split(separator: "\n").first.flatMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// Removes the lock files of a server that is gone. The postmaster refuses to start while the
    /// process named in them exists, and a killed server's processes stay zombies where nothing reaps
    /// orphans (PID 1 of some containers).
    func removeStaleLockFiles() {
        guard let pid = postmasterPID(), !Processes.isAlive(pid) else { return }
        try? FileManager.default.removeItem(atPath: dataDirectory + "/postmaster.pid")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasPrefix(".s.PGSQL.") && name.hasSuffix(".lock") {
            try? FileManager.default.removeItem(atPath: directory.path(name))
        }
    }

    /// Stops the server at once — SIGQUIT, as `pg_ctl stop -m immediate` sends, but without starting a
    /// process, since this also runs while the test process exits — and deletes the directory.
    func shutDown() {
        if let postmaster = postmasterPID(), Processes.isAlive(postmaster) {
            _ = sendSignal(postmaster, SIGQUIT)
            if !Processes.waitForDeath([postmaster], timeout: .seconds(10)) { _ = Processes.kill(server: postmaster) }
        }
        try? FileManager.default.removeItem(atPath: directory.path)
    }

    // MARK: - Clusters of crashed test processes

    /// In each cluster's directory: the PID namespace and PID of the test process that made it.
    static let ownerFile = "postgres-cluster-owner"

    static func ownerMark() -> String {
        pidNamespace() + " \(getpid())\n"
    }

    static func pidNamespace() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/pid")) ?? "?"
    }

    /// Kills the servers and deletes the directories of clusters whose test process is gone (it
    /// crashed, so no `atexit` handler or `deinit` ran): only those made in this PID namespace, and
    /// a server only when it is a postgres of that directory.
    static func removeAbandonedClusters() {
        let namespace = pidNamespace()
        guard namespace != "?" else { return }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
        for name in names where name.hasPrefix("tickler-test-") {
            let path = "/tmp/" + name
            guard let mark = try? String(contentsOfFile: path + "/" + ownerFile, encoding: .utf8) else { continue }
            let parts = mark.split(separator: " ")
            guard parts.count == 2, parts[0] == namespace,
                let owner = pid_t(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)), !Processes.isAlive(owner)
            else { continue }
            if let postmaster = postmasterPID(dataDirectory: path + "/data"), Processes.isAlive(postmaster) {
                let commandLine = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(postmaster)/cmdline"))) ?? Data()
                guard String(decoding: commandLine, as: UTF8.self).contains(path + "/data"),
                    Processes.kill(server: postmaster)
                else { continue }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

/// The server's processes, as `/proc` shows them.
private enum Processes {
    /// SIGKILL to the postmaster and its children (each the leader of a process group of its own, so
    /// not one `kill(-pgid)`); `false` when some are still there after 10 seconds.
    static func kill(server postmaster: pid_t) -> Bool {
        _ = sendSignal(postmaster, SIGSTOP)
        // Once stopped, it is not in the middle of a fork: every child it has is in /proc.
        let deadline = ContinuousClock.now + .seconds(2)
        while let state = state(of: postmaster)?.letter, state != "T", ContinuousClock.now < deadline {
            usleep(1_000)
        }
        let all = [postmaster] + ids().filter { state(of: $0)?.parent == postmaster }
        for pid in all { _ = sendSignal(pid, SIGKILL) }
        return waitForDeath(all, timeout: .seconds(10))
    }

    static func waitForDeath(_ pids: [pid_t], timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while pids.contains(where: isAlive) {
            guard ContinuousClock.now < deadline else { return false }
            usleep(2_000)
        }
        return true
    }

    /// Whether `pid` is a process that has not ended (a zombie has).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let letter = state(of: pid)?.letter else { return false }
        return letter != "Z" && letter != "X"
    }

    /// The state letter and parent of `pid`, from `/proc/PID/stat` (`PID (COMM) STATE PPID …`).
    static func state(of pid: pid_t) -> (letter: Character, parent: pid_t)? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        guard fields.count > 1, let letter = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
        return (letter, parent)
    }

    static func ids() -> [pid_t] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { pid_t($0) }
    }
}

/// `kill(2)`, under another name: inside ``PostgresCluster`` and ``Processes``, `kill` is theirs.
private func sendSignal(_ pid: pid_t, _ signal: Int32) -> Int32 {
    kill(pid, signal)
}
