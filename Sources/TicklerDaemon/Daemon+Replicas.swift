import Crypto
import Dispatch
import Foundation
import Logging
import TicklerStore

/// One replica among several on a shared store (PostgreSQL): it registers, beats every lease/3 to
/// keep its claims, hears of events recorded anywhere through the store, and leaves cleanly.
/// With SQLite (one process) none of this runs.
extension Daemon {
    /// Registers this replica and starts its heartbeat and its event listener.
    func joinReplicas(now: Int64) throws(StoreError) {
        guard let shared = store as? any SharedStore else { return }
        let digest = Self.configDigest(path: configuration.configPath)
        configDigest = digest
        try shared.register(configDigest: digest, at: now)
        let interval = max(1, Int(shared.lease / 3))
        let source = DispatchSource.makeTimerSource(queue: queue)
        source.schedule(
            deadline: .now() + .seconds(interval), repeating: .seconds(interval), leeway: .milliseconds(100))
        source.setEventHandler { [unowned self] in beat(shared) }
        source.resume()
        heartbeat = source
        shared.observeEvents { [weak self] in self?.eventsRecorded() }
        logger.info(
            "joined the replicas",
            metadata: ["replica": "\(shared.replica)", "lease_s": "\(shared.lease)", "config": "\(digest)"])
    }

    /// Renews the leases; when entries wait under a lease that ran out (their replica died or
    /// froze), takes them over: nothing else would wake this replica for them.
    private func beat(_ shared: any SharedStore) {
        do throws(StoreError) {
            let beat = try shared.heartbeat(configDigest: configDigest)
            guard beat.abandoned > 0, !stopping else { return }
            logger.info("taking over work whose lease ran out", metadata: ["entries": "\(beat.abandoned)"])
            mayHaveMore = Set(loaded.workspace.config.channels.keys)
            let now = clock.now()
            pump(now: now)
            arm(now: now)
        } catch {
            logger.warning(
                "cannot renew this replica's leases; its claims run out unless the store answers",
                metadata: ["error": "\(error.message)"])
        }
    }

    /// Stops the heartbeat and gives back the claims on entries not begun.
    func leaveReplicas() {
        heartbeat?.cancel()
        heartbeat = nil
        guard let shared = store as? any SharedStore else { return }
        attempt("leave the replicas") { () throws(StoreError) in try shared.deregister(at: clock.now()) }
    }

    /// The configuration file's SHA-256, first 12 hex digits: replicas that differ show in `status`.
    static func configDigest(path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "unreadable" }
        return SHA256.hash(data: data).prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
