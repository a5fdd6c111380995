import Dispatch
import Foundation
import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// The replicas: their rows, heartbeats and leases, and the notifications of new events.
extension PostgresStore: SharedStore {
    public var claimCounters: ClaimCounters { counters }

    public func register(configDigest: String, at now: Int64) throws(StoreError) {
        let started = DispatchTime.now().uptimeNanoseconds
        let host = ProcessInfo.processInfo.hostName
        try call("register this replica in") { client in
            try await client.query(
                """
                INSERT INTO replicas (id, host, pid, started_at, heartbeat_at, config_digest)
                VALUES (\(self.replica), \(host), \(Int(getpid())), \(now), \(unescaped: Self.databaseNow),
                    \(configDigest))
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at,
                    config_digest = excluded.config_digest, stopped_at = NULL
                """, logger: self.logger)
        }
        leaseStart.withLock { $0 = started }
    }

    @discardableResult
    public func heartbeat(configDigest: String) throws(StoreError) -> Heartbeat {
        let started = DispatchTime.now().uptimeNanoseconds
        let renewed = try transaction("renew this replica's leases in") { connection in
            try await connection.query(
                """
                UPDATE replicas SET heartbeat_at = \(unescaped: Self.databaseNow), config_digest = \(configDigest)
                WHERE id = \(self.replica)
                """, logger: self.logger)
            let rows = try await connection.query(
                """
                UPDATE outbox SET lease_until = \(unescaped: Self.databaseNow) + \(self.lease)
                WHERE claimed_by = \(self.replica) AND lease_until >= \(unescaped: Self.databaseNow)
                    AND state IN ('pending', 'sending', 'retry')
                RETURNING key
                """, logger: self.logger)
            var count = 0
            for try await _ in rows { count += 1 }
            let abandoned = try await connection.query(
                """
                SELECT count(*) FROM outbox
                WHERE state IN ('pending', 'sending', 'retry') AND claimed_by <> \(self.replica)
                    AND lease_until < \(unescaped: Self.databaseNow)
                """, logger: self.logger)
            var waiting = 0
            for try await value in abandoned.decode(Int.self) { waiting = value }
            return Heartbeat(renewed: count, abandoned: waiting)
        }
        leaseStart.withLock { $0 = max($0, started) }
        counters.renewed.add(renewed.renewed)
        return renewed
    }

    public func deregister(at now: Int64) throws(StoreError) {
        try transaction("deregister this replica from") { connection in
            try await connection.query(
                """
                UPDATE outbox SET claimed_by = NULL, lease_until = NULL
                WHERE claimed_by = \(self.replica) AND state <> 'sending'
                """, logger: self.logger)
            try await connection.query(
                "UPDATE replicas SET stopped_at = \(now) WHERE id = \(self.replica)", logger: self.logger)
        }
    }

    public func leasesHold() -> Bool {
        let start = leaseStart.withLock { $0 }
        let margin: UInt64 = 1_000_000_000
        let lasts = UInt64(lease) * 1_000_000_000
        return DispatchTime.now().uptimeNanoseconds + margin < start + lasts
    }

    public func replicas() throws(StoreError) -> [ReplicaStatus] {
        try call("read the replicas in") { client in
            try await client.withConnection { connection in try await self.replicas(on: connection) }
        }
    }

    func replicas(on connection: PostgresConnection) async throws -> [ReplicaStatus] {
        // Running: not stopped, and a heartbeat within three leases by the database's clock (a replica
        // beats every lease/3, so three leases is nine beats missed: it died or lost the database).
        let rows = try await connection.query(
            """
            SELECT id, host, pid, started_at, heartbeat_at, config_digest, stopped_at,
                stopped_at IS NULL AND heartbeat_at >= extract(epoch FROM clock_timestamp())::bigint - \(3 * lease)
            FROM replicas ORDER BY heartbeat_at DESC, id LIMIT 50
            """, logger: logger)
        var replicas: [ReplicaStatus] = []
        for try await (id, host, pid, started, heartbeat, digest, stopped, running) in rows.decode(
            (String, String, Int, Int64, Int64, String, Int64?, Bool).self)
        {
            replicas.append(
                ReplicaStatus(
                    id: id, host: host, pid: pid, startedAt: started, heartbeatAt: heartbeat, configDigest: digest,
                    stoppedAt: stopped, isRunning: running))
        }
        return replicas
    }

    /// Listens on `tickler_events` on a connection of its own. When the connection is lost it
    /// tries again after 0.1 s, doubling to 10 s, and calls `changed` once connected again.
    public func observeEvents(_ changed: @escaping @Sendable () -> Void) {
        let client = client
        let logger = logger
        let waits = backoffQueue
        let task = Task(executorPreference: executor) {
            var delay = 0.1
            var first = true
            while !Task.isCancelled {
                var reason = "the server closed it"
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.eventsChannel) { notifications in
                            if !first { changed() }
                            first = false
                            delay = 0.1
                            for try await _ in notifications { changed() }
                        }
                    }
                } catch {
                    reason = self.storeError(error, operation: "listen to").message
                }
                if Task.isCancelled { return }
                logger.warning(
                    "lost the connection that listens for events; trying again",
                    metadata: ["in_s": "\(delay)", "error": "\(reason)"])
                first = false
                await withCheckedContinuation { continuation in
                    waits.asyncAfter(deadline: .now() + delay) { continuation.resume() }
                }
                delay = min(delay * 2, 10)
            }
        }
        listening.withLock { $0 = task }
    }
}
