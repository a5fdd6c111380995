import Foundation
import GRDB
import TicklerCore

/// The outbox, where the daemon keeps the promise "delivered once, surviving restarts": an
/// occurrence that falls due becomes an `outbox` row keyed by its occurrence key, with the message
/// rendered then; each delivery attempt is a `deliveries` row, committed before it starts
/// (``beginAttempt(key:at:)``) and after it ends (``finishAttempt(key:attempt:at:outcome:)``).
///
/// Every call is one transaction. Times are seconds since the epoch and come from the caller, so
/// tests and the daemon's test mode control the clock.
extension SQLiteStore {
    /// Puts `items` in the outbox at `now`, skipping any whose key is already there (enqueuing the
    /// same occurrence twice, as a restarted daemon may, changes nothing). Returns the keys that
    /// were new, in the order given.
    @discardableResult
    public func enqueue(_ items: [OutboxItem], at now: Int64) throws(StoreError) -> [String] {
        guard !items.isEmpty else { return [] }
        var rows: [OutboxRecord] = []
        rows.reserveCapacity(items.count)
        for item in items {
            rows.append(try record(for: item, at: now))
        }
        return try write("put occurrences in the outbox of") { db in
            var added: [String] = []
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, next_attempt_at,
                        last_error, updated_at, recipient, to_kind, message, first_attempt_at, digest)
                    VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?, ?, ?, ?, NULL, ?)
                    ON CONFLICT (key) DO NOTHING
                    """)
            for row in rows {
                try insert.execute(arguments: [
                    row.key, row.rule, row.contact, row.channel, row.due, row.state, row.lastError, row.updatedAt,
                    row.recipient, row.toKind, row.message, row.digest,
                ])
                if db.changesCount > 0 { added.append(row.key) }
            }
            return added
        }
    }

    /// Records, in one transaction (one commit to wait for), how the attempts in `ending` ended and
    /// that attempts of `beginning` start — what the daemon does when deliveries end and free their
    /// slots for the next ones. All or nothing. Returns the new attempts' numbers in order.
    public func recordAttempts(ending: [AttemptEnd], beginning keys: [String], at now: Int64)
        throws(StoreError) -> [Int?]
    {
        guard !ending.isEmpty || !keys.isEmpty else { return [] }
        return try write("record delivery attempts in") { db in
            for end in ending {
                try Self.finishAttempt(key: end.key, attempt: end.attempt, outcome: end.outcome, at: now, in: db)
            }
            return try keys.map { key in try Self.beginAttempt(key: key, at: now, in: db) }
        }
    }

    private static func beginAttempt(key: String, at now: Int64, in db: Database) throws -> Int {
        guard var entry = try OutboxRecord.fetchOne(db, key: key) else { throw StoreRules.unknownKey(key) }
        switch entry.state {
        case .pending, .retry:
            break
        case .sending:
            try db.execute(
                sql: """
                    UPDATE deliveries SET finished_at = ?, result = ?
                    WHERE key = ? AND attempt = ? AND finished_at IS NULL
                    """,
                arguments: [now, HistoryEntry.Outcome.interrupted.rawValue, key, entry.attempts])
        case .delivered, .failed, .missed, .bundled:
            throw StoreRules.cannotAttemptAgain(key, state: entry.state)
        }
        entry.state = .sending
        entry.attempts += 1
        entry.nextAttemptAt = nil
        entry.firstAttemptAt = entry.firstAttemptAt ?? now
        entry.updatedAt = now
        try entry.update(db)
        try DeliveryRecord(
            seq: nil, key: key, attempt: entry.attempts, startedAt: now, finishedAt: nil, result: nil, detail: nil
        ).insert(db)
        return entry.attempts
    }

    private static func finishAttempt(
        key: String, attempt: Int, outcome: AttemptOutcome, at now: Int64, in db: Database
    ) throws {
        guard var entry = try OutboxRecord.fetchOne(db, key: key) else { throw StoreRules.unknownKey(key) }
        guard entry.state == .sending, entry.attempts == attempt else {
            throw StoreRules.cannotFinish(key, attempt: attempt, state: entry.state, attempts: entry.attempts)
        }
        let result: HistoryEntry.Outcome
        let detail: String?
        entry.nextAttemptAt = nil
        switch outcome {
        case .delivered(let text):
            entry.state = .delivered
            entry.lastError = nil
            entry.message = nil
            (result, detail) = (.delivered, text)
        case .retry(let at, let error):
            entry.state = .retry
            entry.nextAttemptAt = at
            entry.lastError = error
            (result, detail) = (.retry, error)
        case .failed(let error):
            entry.state = .failed
            entry.lastError = error
            (result, detail) = (.failed, error)
        }
        entry.updatedAt = now
        try entry.update(db)
        try db.execute(
            sql: "UPDATE deliveries SET finished_at = ?, result = ?, detail = ? WHERE key = ? AND attempt = ?",
            arguments: [now, result.rawValue, detail, key, attempt])
    }

    /// The entries to attempt at `now`, oldest due first, at most `limit`, of one channel or of all:
    /// those `pending`, those to `retry` at or before `now`, and those left `sending` — attempts a
    /// crash cut off, which are sent again with the same key.
    ///
    /// A process that has attempts of its own in flight passes their keys as `inFlight`: they are
    /// `sending` too, and must not be sent twice.
    public func dueWork(
        now: Int64, channel: String? = nil, limit: Int, excluding inFlight: Set<String> = []
    ) throws(StoreError) -> [OutboxWork] {
        guard limit > 0 else { return [] }
        var sql =
            "SELECT * FROM outbox WHERE (state IN ('pending', 'sending') OR (state = 'retry' AND next_attempt_at <= ?))"
        var arguments: StatementArguments = [now]
        if let channel {
            sql += " AND channel = ?"
            arguments += [channel]
        }
        sql += " ORDER BY due, key LIMIT ?"
        arguments += [limit + inFlight.count]
        let rows = try read("read the outbox in") { [sql, arguments] db in
            try OutboxRecord.fetchAll(db, sql: sql, arguments: arguments)
        }
        return rows.filter { !inFlight.contains($0.key) }.prefix(limit).map(Self.work)
    }

    /// When the earliest waiting retry is due, if any — of those due after `instant`, when given: the
    /// daemon sleeps until then (or until the next occurrence falls due). Retries already due that it
    /// has not started wait for a free connection of their channel, which the end of a delivery
    /// brings, not a timer.
    public func nextRetryAt(after instant: Int64? = nil) throws(StoreError) -> Int64? {
        try read("read the outbox in") { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT min(next_attempt_at) FROM outbox
                    WHERE state = 'retry' AND (?1 IS NULL OR next_attempt_at > ?1)
                    """,
                arguments: [instant])
        }
    }

    /// The instant up to which the daemon has put due occurrences in the outbox (its watermark);
    /// `nil` before its first run.
    public func scheduledThrough() throws(StoreError) -> Int64? {
        try StoreRules.watermark(try metaValue(Self.scheduledThroughName), place: path)
    }

    /// Stores the daemon's watermark (see ``scheduledThrough()``).
    public func setScheduledThrough(_ instant: Int64) throws(StoreError) {
        try setMetaValue(String(instant), for: Self.scheduledThroughName)
    }

    static let scheduledThroughName = StoreRules.scheduledThroughName

    // MARK: - Rows

    private func record(for item: OutboxItem, at now: Int64) throws(StoreError) -> OutboxRecord {
        let (state, reason, digest) = StoreRules.initialState(of: item)
        return OutboxRecord(
            key: item.key, rule: item.rule, contact: item.contact, channel: item.channel, due: item.due, state: state,
            attempts: 0, nextAttemptAt: nil, lastError: reason, updatedAt: now, recipient: item.recipient,
            toKind: item.to.rawValue, message: try StoreRules.storedMessage(item.message, key: item.key, place: path),
            firstAttemptAt: nil, digest: digest)
    }

    private static func work(_ row: OutboxRecord) -> OutboxWork {
        OutboxWork(
            key: row.key, rule: row.rule, contact: row.contact, channel: row.channel, due: row.due, state: row.state,
            attempts: row.attempts, firstAttemptAt: row.firstAttemptAt, nextAttemptAt: row.nextAttemptAt,
            lastError: row.lastError, to: row.toKind.flatMap(Rule.Recipient.init(rawValue:)),
            recipient: row.recipient, message: StoreRules.message(row.message))
    }
}
