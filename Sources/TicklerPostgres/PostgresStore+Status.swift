import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// What `tickler status` and `tickler history` show, from one snapshot (REPEATABLE READ), in the
/// same order and with the same words as SQLite's.
extension PostgresStore {
    public func status(now: Int64, limit: Int = 20) throws(StoreError) -> OutboxStatus {
        let limit = max(0, limit)
        return try call("read the outbox in") { client in
            try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
                do {
                    let status = try await self.status(now: now, limit: limit, on: connection)
                    try await connection.query("COMMIT", logger: self.logger)
                    return status
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: self.logger)
                    throw error
                }
            }
        }
    }

    private func status(now: Int64, limit: Int, on connection: PostgresConnection) async throws -> OutboxStatus {
        let logger = logger
        var watermark: Int64?
        for try await value in try await connection.query(
            "SELECT value FROM meta WHERE name = \(Self.scheduledThroughName)", logger: logger
        ).decode(String.self) { watermark = Int64(value) }
        var counts: [OutboxStatus.Count] = []
        for try await (state, channel, count) in try await connection.query(
            "SELECT state, channel, count(*) FROM outbox GROUP BY state, channel", logger: logger
        ).decode((String, String, Int).self) {
            guard let state = OutboxState(rawValue: state) else { continue }
            counts.append(OutboxStatus.Count(state: state, channel: channel, count: count))
        }
        counts = StoreRules.reportOrder(counts)
        var dueNow = 0
        for try await value in try await connection.query(
            """
            SELECT count(*) FROM outbox
            WHERE state IN ('pending', 'sending') OR (state = 'retry' AND next_attempt_at <= \(now))
            """, logger: logger
        ).decode(Int.self) { dueNow = value }
        var retries: [OutboxStatus.Retry] = []
        for try await (key, channel, attempts, next, error) in try await connection.query(
            """
            SELECT key, channel, attempts, next_attempt_at, last_error FROM outbox
            WHERE state = 'retry' ORDER BY next_attempt_at, key LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, Int, Int64, String?).self) {
            retries.append(
                OutboxStatus.Retry(
                    key: key, channel: channel, attempts: attempts, nextAttemptAt: next, lastError: error))
        }
        var failures: [OutboxStatus.Failure] = []
        for try await (key, channel, attempts, error, at) in try await connection.query(
            """
            SELECT key, channel, attempts, last_error, updated_at FROM outbox
            WHERE state = 'failed' ORDER BY updated_at DESC, key LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, Int, String?, Int64).self) {
            failures.append(
                OutboxStatus.Failure(
                    key: key, channel: channel, attempts: attempts, error: error ?? "no reason recorded", at: at))
        }
        var missed: [OutboxStatus.Missed] = []
        for try await (key, channel, due, reason) in try await connection.query(
            """
            SELECT key, channel, due, last_error FROM outbox
            WHERE state = 'missed' ORDER BY due DESC, key LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, Int64, String?).self) {
            missed.append(
                OutboxStatus.Missed(key: key, channel: channel, due: due, reason: reason ?? "no reason recorded"))
        }
        var attempts: [HistoryEntry] = []
        for try await row in try await connection.query(
            PostgresQuery(unsafeSQL: Self.attemptColumns + " ORDER BY d.started_at DESC, d.seq DESC LIMIT \(limit)"),
            logger: logger)
        {
            attempts.append(try Self.historyEntry(row))
        }
        var digests: [OutboxStatus.Digest] = []
        for try await (key, channel, state, due, items) in try await connection.query(
            """
            SELECT d.key, d.channel, d.state, d.due,
                (SELECT count(*) FROM outbox AS i WHERE i.digest = d.key)
                + (SELECT count(*) FROM outbox AS i
                    WHERE i.state IN ('missed', 'failed') AND i.attempts = 0
                    AND left(i.last_error, length(d.key) + 5) = 'in ' || d.key || ': ')
            FROM outbox AS d WHERE d.rule = 'digest' ORDER BY d.due DESC, d.key LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String, Int64, Int).self) {
            guard let state = OutboxState(rawValue: state) else { continue }
            digests.append(OutboxStatus.Digest(key: key, channel: channel, state: state, due: due, items: items))
        }
        var oldest: Int64?
        for try await value in try await connection.query(
            "SELECT min(due) FROM outbox WHERE state IN ('pending', 'sending', 'retry')", logger: logger
        ).decode(Int64?.self) { oldest = value }
        var status = OutboxStatus(
            counts: counts, dueNow: dueNow, retries: retries, failures: failures, missed: missed,
            lastAttempts: attempts, scheduledThrough: watermark, oldestPendingDue: oldest, digests: digests)
        status.replicas = try await replicas(on: connection)
        return status
    }

    public func history(contact: String? = nil, limit: Int = 100) throws(StoreError) -> [HistoryEntry] {
        let limit = max(0, limit)
        return try call("read the delivery history in") { client in
            let rows = try await client.query(
                """
                SELECT * FROM (
                    (\(unescaped: Self.attemptColumns) WHERE (\(contact)::text IS NULL OR o.contact = \(contact))
                    ORDER BY d.started_at DESC, d.seq DESC LIMIT \(limit))
                    UNION ALL
                    (SELECT o.key, o.rule, o.contact, o.channel, o.recipient, o.due, NULL, o.updated_at, NULL,
                        o.state, coalesce(o.last_error, o.digest), NULL
                    FROM outbox AS o
                    WHERE (\(contact)::text IS NULL OR o.contact = \(contact))
                        AND o.state IN ('pending', 'failed', 'missed', 'bundled') AND o.attempts = 0
                    ORDER BY o.updated_at DESC LIMIT \(limit))
                ) AS h
                ORDER BY 8 DESC, 12 DESC NULLS LAST, 1
                LIMIT \(limit)
                """, logger: self.logger)
            var entries: [HistoryEntry] = []
            for try await row in rows { entries.append(try Self.historyEntry(row)) }
            return entries
        }
    }

    /// Attempts with their outbox entries, in the columns ``historyEntry(_:)`` reads.
    private static let attemptColumns = """
        SELECT o.key, o.rule, o.contact, o.channel, o.recipient, o.due, d.attempt, d.started_at, d.finished_at,
            coalesce(d.result, 'sending'), d.detail, d.seq
        FROM deliveries AS d JOIN outbox AS o ON o.key = d.key
        """

    private static func historyEntry(_ row: PostgresRow) throws -> HistoryEntry {
        let (key, rule, contact, channel, recipient, due, attempt, at, finished, outcome, detail, _) = try row.decode(
            (String, String, String, String, String?, Int64, Int?, Int64, Int64?, String, String?, Int64?).self)
        return HistoryEntry(
            key: key, rule: rule, contact: contact, channel: channel, recipient: recipient, due: due,
            attempt: attempt, at: at, finishedAt: finished, outcome: HistoryEntry.Outcome(rawValue: outcome) ?? .failed,
            detail: detail)
    }
}
