import Foundation
import TicklerCore
import TicklerDaemon
import TicklerPostgres
import TicklerStore
import TicklerTestSupport

/// Several `tickler run` replicas over one PostgreSQL database of a private cluster, with one
/// workspace of files they all read (as replicas deployed from one repository would), each with a
/// log of its own.
///
///     let replicas = try ReplicaWorkspace(channels: "…", rules: "…")
///     let first = try await replicas.start(0)
final class ReplicaWorkspace {
    let cluster: PostgresCluster
    let url: String
    let files: DaemonWorkspace
    /// The replicas' password variable, as `state_password_env` names it.
    static let passwordVariable = "TICKLER_DB_PASSWORD"

    /// - Parameters:
    ///   - cluster: the server (a test that restarts it brings its own).
    ///   - lease: `lease:` of the configuration.
    init(
        cluster: PostgresCluster? = nil, contacts: Int = 1, channels: String, rules: String, lease: String = "3s"
    ) throws {
        let cluster = try cluster ?? PostgresCluster.shared()
        self.cluster = cluster
        url = try cluster.createDatabase()
        files = try DaemonWorkspace(
            contacts: contacts, channels: channels, rules: rules,
            extra: "state_password_env: \(Self.passwordVariable)\nlease: \(lease)", state: url)
    }

    var environment: [String: String] { [Self.passwordVariable: cluster.password] }

    /// Starts replica `number` (log `replica-N.log`) and waits until it has started.
    func start(_ number: Int) async throws -> DaemonProcess {
        let daemon = try DaemonProcess(
            arguments: ["run", "--config", files.config], environment: environment,
            log: files.directory.path("replica-\(number).log"))
        try await daemon.waitForLog(containing: "msg=started")
        return daemon
    }

    /// Runs `tickler ARGUMENTS` against the shared store.
    @discardableResult
    func tickler(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        try TicklerProcess.run(arguments: arguments + ["--config", files.config], environment: environment)
    }

    /// The store, as a test reads it.
    func store() throws -> PostgresStore {
        try PostgresStore.open(try PostgresLocation(url: url), password: cluster.password, executor: Self.executor)
    }

    /// Every replica's log lines containing `text`.
    func logLines(containing text: String) -> [Substring] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: files.directory.path(""))) ?? []
        return names.filter { $0.hasPrefix("replica-") }.flatMap { name -> [Substring] in
            let log = (try? String(contentsOfFile: files.directory.path(name), encoding: .utf8)) ?? ""
            return log.split(separator: "\n").filter { $0.contains(text) }
        }
    }

    static let executor = SerialTaskExecutor(label: "test.replicas.postgres")
}
