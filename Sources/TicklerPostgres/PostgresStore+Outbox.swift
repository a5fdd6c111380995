import Foundation
import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// The outbox shared by replicas. An entry is worked on by the replica that claimed it: `dueWork`
/// claims (`claimed_by`, `lease_until`, with `FOR UPDATE SKIP LOCKED`, so replicas asking at once
/// get different rows), an attempt begins only while the claim holds, and a claim whose lease ran
/// out — its replica died or froze — may be taken by any other. Lease times are the database's clock.
extension PostgresStore {
    /// The database's clock, in whole seconds since the epoch, as SQL.
    static let databaseNow = "extract(epoch FROM clock_timestamp())::bigint"

    @discardableResult
    public func enqueue(_ items: [OutboxItem], at now: Int64) throws(StoreError) -> [String] {
        guard !items.isEmpty else { return [] }
        var rows = CopyRows()
        for item in items {
            let (state, reason, digest) = StoreRules.initialState(of: item)
            rows.append(item.key)
            rows.append(item.rule)
            rows.append(item.contact)
            rows.append(item.channel)
            rows.append(item.due)
            rows.append(state.rawValue)
            rows.append(reason)
            rows.append(now)
            rows.append(item.recipient)
            rows.append(item.to.rawValue)
            rows.append(try StoreRules.storedMessage(item.message, key: item.key, place: "\(location)"))
            rows.append(digest)
            rows.endRow()
        }
        let order = items.map(\.key)
        let rowsToCopy = rows
        let added = try transaction("put occurrences in the outbox of", timeout: Self.bulkTimeout) { connection in
            try await connection.query(
                """
                CREATE TEMPORARY TABLE incoming_outbox (
                    key TEXT COLLATE "C", rule TEXT, contact TEXT, channel TEXT, due BIGINT, state TEXT,
                    last_error TEXT, updated_at BIGINT, recipient TEXT, to_kind TEXT, message TEXT, digest TEXT
                ) ON COMMIT DROP
                """, logger: self.logger)
            try await rowsToCopy.copy(
                into: "incoming_outbox",
                columns: [
                    "key", "rule", "contact", "channel", "due", "state", "last_error", "updated_at", "recipient",
                    "to_kind", "message", "digest",
                ], on: connection, logger: self.logger)
            // Any number of replicas may plan the same occurrence: it enters the outbox once.
            let inserted = try await connection.query(
                """
                INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, last_error, updated_at,
                    recipient, to_kind, message, digest)
                SELECT DISTINCT ON (key) key, rule, contact, channel, due, state, 0, last_error, updated_at,
                    recipient, to_kind, message, digest FROM incoming_outbox
                ON CONFLICT (key) DO NOTHING
                RETURNING key
                """, logger: self.logger)
            var keys = Set<String>()
            for try await key in inserted.decode(String.self) { keys.insert(key) }
            return keys
        }
        var seen = Set<String>()
        return order.filter { added.contains($0) && seen.insert($0).inserted }
    }

    /// Claims the entries to attempt at `now`, oldest due first: `pending`, `retry` due by `now`,
    /// and `sending` entries whose lease ran out (an attempt a crash or a freeze cut off) — each
    /// unless another replica's claim on it holds. The claim lasts ``lease`` seconds, renewed by
    /// ``heartbeat(configDigest:)``. Only entries this replica did not hold already count as claimed
    /// (``ClaimCounters/claimed``): one handed out again while its claim holds is not taken again.
    public func dueWork(
        now: Int64, channel: String? = nil, limit: Int, excluding inFlight: Set<String> = []
    ) throws(StoreError) -> [OutboxWork] {
        guard limit > 0 else { return [] }
        let excluded = Array(inFlight)
        let (rows, taken) = try transaction("claim work in the outbox of") { connection in
            let claimed = try await connection.query(
                """
                WITH due AS (
                    SELECT key, claimed_by AS owner, lease_until AS until FROM outbox
                    WHERE (state IN ('pending', 'sending') OR (state = 'retry' AND next_attempt_at <= \(now)))
                        AND (claimed_by IS NULL OR claimed_by = \(self.replica)
                            OR lease_until < \(unescaped: Self.databaseNow))
                        AND (\(channel)::text IS NULL OR channel = \(channel))
                        AND NOT (key = ANY(\(excluded)))
                    ORDER BY due, key
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE outbox AS o SET claimed_by = \(self.replica),
                    lease_until = \(unescaped: Self.databaseNow) + \(self.lease)
                FROM due WHERE o.key = due.key
                RETURNING \(unescaped: Self.workColumns("o")),
                    due.owner IS DISTINCT FROM \(self.replica) OR due.until < \(unescaped: Self.databaseNow)
                """, logger: self.logger)
            var works: [OutboxWork] = []
            var taken = 0
            for try await row in claimed {
                works.append(try Self.work(row))
                let cells = row.makeRandomAccess()
                if try cells[cells.count - 1].decode(Bool.self) { taken += 1 }
            }
            return (works, taken)
        }
        if taken > 0 { counters.claimed.add(taken) }
        return rows.sorted { a, b in a.due != b.due ? a.due < b.due : a.key.utf8.lexicographicallyPrecedes(b.key.utf8) }
    }

    /// Ends and begins attempts in one transaction. An attempt begins only on an entry this replica
    /// still holds a claim on (or that no one claims); for one whose claim another replica took
    /// over, its number is `nil` and nothing is recorded for it. An attempt that ends after another
    /// replica took its entry over (it was cut off, and began again there) is recorded in its own
    /// history row only: the entry is the other replica's now.
    public func recordAttempts(ending: [AttemptEnd], beginning keys: [String], at now: Int64)
        throws(StoreError) -> [Int?]
    {
        guard !ending.isEmpty || !keys.isEmpty else { return [] }
        let result = try transaction("record delivery attempts in") { connection in
            try await self.finish(ending, at: now, on: connection)
            return try await self.begin(keys, at: now, on: connection)
        }
        let lost = result.filter { $0 == nil }.count
        if lost > 0 { counters.lost.add(lost) }
        return result
    }

    /// The outbox rows of `keys`, locked for this transaction in key order (so replicas locking
    /// overlapping sets cannot deadlock): state, attempts, claim owner, whether its lease holds.
    private func lockedRows(_ keys: [String], on connection: PostgresConnection) async throws
        -> [String: (state: OutboxState, attempts: Int, owner: String?, leaseHolds: Bool?)]
    {
        let rows = try await connection.query(
            """
            SELECT key, state, attempts, claimed_by, lease_until >= \(unescaped: Self.databaseNow)
            FROM outbox WHERE key = ANY(\(keys)) ORDER BY key FOR UPDATE
            """, logger: logger)
        var found: [String: (state: OutboxState, attempts: Int, owner: String?, leaseHolds: Bool?)] = [:]
        for try await (key, state, attempts, owner, holds) in rows.decode((String, String, Int, String?, Bool?).self) {
            guard let state = OutboxState(rawValue: state) else { continue }
            found[key] = (state, attempts, owner, holds)
        }
        return found
    }

    /// Begins the attempts of `keys`: the usual ones (a `pending`, `retry` or cut-off `sending`
    /// entry this replica may send) in four statements for all, whatever their number; the rest —
    /// taken over, done elsewhere, unknown, or in a state that refuses — one by one.
    private func begin(_ keys: [String], at now: Int64, on connection: PostgresConnection) async throws -> [Int?] {
        guard !keys.isEmpty else { return [] }
        guard Set(keys).count == keys.count else {
            var numbers: [Int?] = []
            for key in keys { numbers.append(try await begin(key, at: now, on: connection)) }
            return numbers
        }
        let rows = try await lockedRows(keys, on: connection)
        var numbers: [Int?] = []
        var usual: [(key: String, attempt: Int)] = []
        var cutOff: [(key: String, attempt: Int)] = []
        for key in keys {
            guard let row = rows[key], [.pending, .retry, .sending].contains(row.state),
                row.owner == nil || row.owner == replica || row.leaseHolds != true,
                !(row.owner == replica && row.leaseHolds == false && row.state == .sending),
                !(row.owner == replica && row.state == .retry)
            else {
                numbers.append(try await begin(key, at: now, on: connection))
                continue
            }
            if row.state == .sending { cutOff.append((key, row.attempts)) }
            usual.append((key, row.attempts + 1))
            numbers.append(row.attempts + 1)
        }
        try await start(usual, cutOff: cutOff, at: now, on: connection)
        return numbers
    }

    /// Writes the start of attempts: those cut off (`sending` entries begun again) recorded
    /// `interrupted`, the entries `sending` under this replica's claim, a history row each.
    private func start(
        _ usual: [(key: String, attempt: Int)], cutOff: [(key: String, attempt: Int)], at now: Int64,
        on connection: PostgresConnection
    ) async throws {
        if !cutOff.isEmpty {
            try await connection.query(
                """
                UPDATE deliveries AS d SET finished_at = \(now), result = \(HistoryEntry.Outcome.interrupted.rawValue)
                FROM unnest(\(cutOff.map(\.key)), \(cutOff.map { Int64($0.attempt) })) AS x (key, attempt)
                WHERE d.key = x.key AND d.attempt = x.attempt AND d.finished_at IS NULL
                """, logger: logger)
        }
        guard !usual.isEmpty else { return }
        let usualKeys = usual.map(\.key)
        try await connection.query(
            """
            UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = NULL,
                first_attempt_at = COALESCE(first_attempt_at, \(now)), updated_at = \(now),
                claimed_by = \(replica), lease_until = \(unescaped: Self.databaseNow) + \(lease)
            WHERE key = ANY(\(usualKeys))
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO deliveries (key, attempt, started_at, replica)
            SELECT key, attempt, \(now), \(replica) FROM unnest(\(usualKeys), \(usual.map { Int64($0.attempt) })) AS x (key, attempt)
            """, logger: logger)
    }

    /// Records how `ends` ended: the usual ones (the entry's attempt in flight) in two statements
    /// for all; the rest — taken over, unknown, refused — one by one.
    private func finish(_ ends: [AttemptEnd], at now: Int64, on connection: PostgresConnection) async throws {
        guard !ends.isEmpty else { return }
        let keys = ends.map(\.key)
        guard Set(keys).count == keys.count else {
            for end in ends { try await finish(end, at: now, on: connection) }
            return
        }
        let rows = try await lockedRows(keys, on: connection)
        var usual: [AttemptEnd] = []
        for end in ends {
            if let row = rows[end.key], row.state == .sending, row.attempts == end.attempt {
                usual.append(end)
            } else {
                try await finish(end, at: now, on: connection)
            }
        }
        try await end(usual, at: now, on: connection)
    }

    /// Writes the end of attempts that are their entries' attempt in flight.
    private func end(_ usual: [AttemptEnd], at now: Int64, on connection: PostgresConnection) async throws {
        guard !usual.isEmpty else { return }
        // NULLs travel as '' and -1 (the arrays' elements cannot be NULL here).
        var states: [String] = []
        var nexts: [Int64] = []
        var errors: [String] = []
        var details: [String] = []
        for end in usual {
            let (state, next, error, detail): (String, Int64, String, String) =
                switch end.outcome {
                case .delivered(let detail): ("delivered", -1, "", detail ?? "")
                case .retry(let at, let error): ("retry", at, error, error)
                case .failed(let error): ("failed", -1, error, error)
                }
            states.append(state)
            nexts.append(next)
            errors.append(error)
            details.append(detail)
        }
        let usualKeys = usual.map(\.key)
        // The end gives back this replica's claim and leaves another's: one that claimed the entry
        // while this replica's lease had run out learns at its begin that it is done.
        try await connection.query(
            """
            UPDATE outbox AS o SET state = x.state, next_attempt_at = NULLIF(x.next, -1),
                last_error = NULLIF(x.error, ''),
                message = CASE WHEN x.state = 'delivered' THEN NULL ELSE o.message END, updated_at = \(now),
                lease_until = CASE WHEN o.claimed_by = \(replica) THEN NULL ELSE o.lease_until END,
                claimed_by = CASE WHEN o.claimed_by = \(replica) THEN NULL ELSE o.claimed_by END
            FROM unnest(\(usualKeys), \(states), \(nexts), \(errors)) AS x (key, state, next, error)
            WHERE o.key = x.key
            """, logger: logger)
        try await connection.query(
            """
            UPDATE deliveries AS d SET finished_at = \(now), result = x.state, detail = NULLIF(x.detail, '')
            FROM unnest(\(usualKeys), \(usual.map { Int64($0.attempt) }), \(states), \(details))
                AS x (key, attempt, state, detail)
            WHERE d.key = x.key AND d.attempt = x.attempt
            """, logger: logger)
    }

    private func begin(_ key: String, at now: Int64, on connection: PostgresConnection) async throws -> Int? {
        let rows = try await connection.query(
            """
            SELECT state, attempts, claimed_by, lease_until >= \(unescaped: Self.databaseNow)
            FROM outbox WHERE key = \(key) FOR UPDATE
            """, logger: logger)
        var found: (String, Int, String?, Bool?)?
        for try await row in rows.decode((String, Int, String?, Bool?).self) { found = row }
        guard let (stateText, attempts, owner, leaseHolds) = found, let state = OutboxState(rawValue: stateText) else {
            throw StoreRules.unknownKey(key)
        }
        if let owner, owner != replica, leaseHolds == true { return nil }
        if owner == replica, leaseHolds == false, state == .sending { return nil }
        // Claimed here, then finished by the replica whose lease had run out (it woke and its
        // attempt ended): done elsewhere, not this replica's to send.
        if owner == replica, [.delivered, .failed, .retry].contains(state),
            try await finishedElsewhere(key, on: connection)
        {
            try await connection.query(
                "UPDATE outbox SET claimed_by = NULL, lease_until = NULL WHERE key = \(key)", logger: logger)
            return nil
        }
        switch state {
        case .pending, .retry, .sending:
            let cutOff = state == .sending ? [(key: key, attempt: attempts)] : []
            try await start([(key, attempts + 1)], cutOff: cutOff, at: now, on: connection)
            return attempts + 1
        case .delivered, .failed, .missed, .bundled:
            throw StoreRules.cannotAttemptAgain(key, state: state)
        }
    }

    private func finish(_ end: AttemptEnd, at now: Int64, on connection: PostgresConnection) async throws {
        let key = end.key
        let rows = try await connection.query(
            "SELECT state, attempts FROM outbox WHERE key = \(key) FOR UPDATE", logger: logger)
        var found: (String, Int)?
        for try await row in rows.decode((String, Int).self) { found = row }
        guard let (stateText, attempts) = found, let state = OutboxState(rawValue: stateText) else {
            throw StoreRules.unknownKey(key)
        }
        let (result, detail): (HistoryEntry.Outcome, String?) =
            switch end.outcome {
            case .delivered(let text): (.delivered, text)
            case .retry(_, let error): (.retry, error)
            case .failed(let error): (.failed, error)
            }
        guard state == .sending, attempts == end.attempt else {
            // Taken over: this attempt was recorded as interrupted when another replica began the
            // next one. It stays `interrupted` (a copy may have arrived: the one the re-send
            // duplicates), and its detail says how it really ended; the entry is not this one's. (An
            // attempt this replica cut off itself, by beginning the next one, has ended: refused.)
            let updated = try await connection.query(
                """
                UPDATE deliveries AS d SET detail = \("taken over by another replica; then ended " + result.rawValue + (detail.map { ": " + $0 } ?? ""))
                WHERE d.key = \(key) AND d.attempt = \(end.attempt) AND d.replica = \(replica)
                    AND d.result = \(HistoryEntry.Outcome.interrupted.rawValue) AND d.attempt < \(attempts)
                    AND EXISTS (
                        SELECT 1 FROM deliveries AS n
                        WHERE n.key = d.key AND n.attempt = d.attempt + 1 AND n.replica IS DISTINCT FROM d.replica)
                RETURNING d.attempt
                """, logger: logger)
            for try await _ in updated { return }
            throw StoreRules.cannotFinish(key, attempt: end.attempt, state: state, attempts: attempts)
        }
        try await self.end([end], at: now, on: connection)
    }

    /// Whether the latest attempt of `key` was begun by another replica (then this one's claim
    /// came after it, and its end is that replica's).
    private func finishedElsewhere(_ key: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "SELECT replica FROM deliveries WHERE key = \(key) ORDER BY attempt DESC LIMIT 1", logger: logger)
        for try await owner in rows.decode(String?.self) { return owner != replica }
        return false
    }

    public func nextRetryAt(after instant: Int64? = nil) throws(StoreError) -> Int64? {
        try call("read the outbox in") { client in
            let rows = try await client.query(
                """
                SELECT min(next_attempt_at) FROM outbox
                WHERE state = 'retry' AND (\(instant)::bigint IS NULL OR next_attempt_at > \(instant))
                """, logger: self.logger)
            for try await value in rows.decode(Int64?.self) { return value }
            return nil
        }
    }

    public func deliveredKeys(among keys: [String]) throws(StoreError) -> Set<String> {
        try keysInOutbox(keys, states: ["delivered", "bundled"])
    }

    public func outboxKeys(among keys: [String]) throws(StoreError) -> Set<String> {
        try keysInOutbox(keys, states: nil)
    }

    /// The keys among `keys` the outbox has, in one of `states` (any when `nil`).
    private func keysInOutbox(_ keys: [String], states: [String]?) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try call("read the outbox in", timeout: Self.bulkTimeout) { client in
            var found = Set<String>()
            for slice in keys.chunks(of: 100_000) {
                let rows = try await client.query(
                    """
                    SELECT key FROM outbox WHERE key = ANY(\(Array(slice)))
                    AND (\(states)::text[] IS NULL OR state = ANY(\(states)))
                    """, logger: self.logger)
                for try await key in rows.decode(String.self) { found.insert(key) }
            }
            return found
        }
    }

    // MARK: - Rows

    static func workColumns(_ table: String) -> String {
        [
            "key", "rule", "contact", "channel", "due", "state", "attempts", "first_attempt_at", "next_attempt_at",
            "last_error", "to_kind", "recipient", "message",
        ].map { "\(table).\($0)" }.joined(separator: ", ")
    }

    static func work(_ row: PostgresRow) throws -> OutboxWork {
        let (key, rule, contact, channel, due, state, attempts, first, next, error, toKind, recipient, message) =
            try row.decode(
                (String, String, String, String, Int64, String, Int, Int64?, Int64?, String?, String?, String?, String?)
                    .self)
        return OutboxWork(
            key: key, rule: rule, contact: contact, channel: channel, due: due,
            state: OutboxState(rawValue: state) ?? .pending, attempts: attempts, firstAttemptAt: first,
            nextAttemptAt: next, lastError: error, to: toKind.flatMap(Rule.Recipient.init(rawValue:)),
            recipient: recipient, message: StoreRules.message(message))
    }
}
