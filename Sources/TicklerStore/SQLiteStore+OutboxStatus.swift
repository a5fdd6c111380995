import GRDB

/// What `tickler status` and `tickler history` show of the outbox: read-only, each from one
/// consistent snapshot.
extension SQLiteStore {
    /// The outbox at `now`: entries by state and channel, how many are due, and — at most `limit`
    /// of each — the waiting retries, the failures, the missed entries and the latest attempts.
    public func status(now: Int64, limit: Int = 20) throws(StoreError) -> OutboxStatus {
        let limit = max(0, limit)
        return try read("read the outbox in") { db in
            let watermark = try MetaRecord.fetchOne(db, key: Self.scheduledThroughName).flatMap { Int64($0.value) }
            var counts: [OutboxStatus.Count] = []
            let groups = try Row.fetchAll(
                db, sql: "SELECT state, channel, count(*) FROM outbox GROUP BY state, channel")
            for row in groups {
                guard let state = OutboxState(rawValue: row[0]) else { continue }
                counts.append(OutboxStatus.Count(state: state, channel: row[1], count: row[2]))
            }
            counts = StoreRules.reportOrder(counts)
            let dueNow =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(*) FROM outbox
                        WHERE state IN ('pending', 'sending') OR (state = 'retry' AND next_attempt_at <= ?)
                        """,
                    arguments: [now]) ?? 0
            let retries = try Row.fetchAll(
                db,
                sql: """
                    SELECT key, channel, attempts, next_attempt_at, last_error FROM outbox
                    WHERE state = 'retry' ORDER BY next_attempt_at, key LIMIT ?
                    """,
                arguments: [limit]
            ).map {
                OutboxStatus.Retry(key: $0[0], channel: $0[1], attempts: $0[2], nextAttemptAt: $0[3], lastError: $0[4])
            }
            let failures = try Row.fetchAll(
                db,
                sql: """
                    SELECT key, channel, attempts, last_error, updated_at FROM outbox
                    WHERE state = 'failed' ORDER BY updated_at DESC, key LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                OutboxStatus.Failure(
                    key: row[0], channel: row[1], attempts: row[2], error: (row[3] as String?) ?? "no reason recorded",
                    at: row[4])
            }
            let missed = try Row.fetchAll(
                db,
                sql: """
                    SELECT key, channel, due, last_error FROM outbox
                    WHERE state = 'missed' ORDER BY due DESC, key LIMIT ?
                    """,
                arguments: [limit]
            ).map {
                OutboxStatus.Missed(
                    key: $0[0], channel: $0[1], due: $0[2], reason: ($0[3] as String?) ?? "no reason recorded")
            }
            let attempts = try Row.fetchAll(
                db,
                sql: Self.attemptColumns + " ORDER BY d.started_at DESC, d.seq DESC LIMIT ?",
                arguments: [limit]
            ).map(Self.historyEntry)
            let digests = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.key, d.channel, d.state, d.due,
                        (SELECT count(*) FROM outbox AS i WHERE i.digest = d.key)
                        + (SELECT count(*) FROM outbox AS i
                            WHERE i.state IN ('missed', 'failed') AND i.attempts = 0
                            AND substr(i.last_error, 1, length(d.key) + 5) = 'in ' || d.key || ': ')
                    FROM outbox AS d WHERE d.rule = 'digest' ORDER BY d.due DESC, d.key LIMIT ?
                    """,
                arguments: [limit]
            ).compactMap { row -> OutboxStatus.Digest? in
                guard let state = OutboxState(rawValue: row[2]) else { return nil }
                return OutboxStatus.Digest(key: row[0], channel: row[1], state: state, due: row[3], items: row[4])
            }
            let oldest = try Int64.fetchOne(
                db, sql: "SELECT MIN(due) FROM outbox WHERE state IN ('pending', 'sending', 'retry')")
            return OutboxStatus(
                counts: counts, dueNow: dueNow, retries: retries, failures: failures, missed: missed,
                lastAttempts: attempts, scheduledThrough: watermark, oldestPendingDue: oldest, digests: digests)
        }
    }

    /// The delivery history, latest first, at most `limit` lines: every attempt, and every entry never
    /// attempted (missed, failed before sending, pending) — of one contact, or of all when `contact`
    /// is `nil`.
    public func history(contact: String? = nil, limit: Int = 100) throws(StoreError) -> [HistoryEntry] {
        let limit = max(0, limit)
        let filter = contact == nil ? "" : "o.contact = :contact AND "
        // Each part is cut to `limit` on its own index first, so a large store is not sorted whole.
        let sql = """
            SELECT * FROM (
                SELECT * FROM (
                    \(Self.attemptColumns) WHERE \(filter)TRUE
                    ORDER BY d.started_at DESC, d.seq DESC LIMIT :limit)
                UNION ALL
                SELECT * FROM (
                    SELECT o.key, o.rule, o.contact, o.channel, o.recipient, o.due, NULL, o.updated_at, NULL,
                        o.state, coalesce(o.last_error, o.digest), NULL
                    FROM outbox AS o
                    WHERE \(filter)o.state IN ('pending', 'failed', 'missed', 'bundled') AND o.attempts = 0
                    ORDER BY o.updated_at DESC LIMIT :limit)
            )
            ORDER BY 8 DESC, 12 DESC, 1
            LIMIT :limit
            """
        var arguments: StatementArguments = ["limit": limit]
        if let contact { arguments += ["contact": contact] }
        return try read("read the delivery history in") { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.historyEntry)
        }
    }

    /// Attempts with their outbox entries, in the columns ``historyEntry(_:)`` reads.
    private static let attemptColumns = """
        SELECT o.key, o.rule, o.contact, o.channel, o.recipient, o.due, d.attempt, d.started_at, d.finished_at,
            coalesce(d.result, 'sending'), d.detail, d.seq
        FROM deliveries AS d JOIN outbox AS o ON o.key = d.key
        """

    private static func historyEntry(_ row: Row) -> HistoryEntry {
        HistoryEntry(
            key: row[0], rule: row[1], contact: row[2], channel: row[3], recipient: row[4], due: row[5],
            attempt: row[6], at: row[7], finishedAt: row[8],
            outcome: HistoryEntry.Outcome(rawValue: row[9]) ?? .failed, detail: row[10])
    }
}
