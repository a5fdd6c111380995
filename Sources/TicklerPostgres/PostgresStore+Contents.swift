import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// The whole store at once, for `tickler state copy`: read in one REPEATABLE READ snapshot,
/// replaced in one transaction with every row sent by `COPY`. The replicas' own rows (`replicas`,
/// the claims on outbox entries, which replica made an attempt) are not part of it.
extension PostgresStore: CopyableStore {
    public func isEmpty() throws(StoreError) -> Bool {
        try call("read") { client in
            let rows = try await client.query(
                """
                SELECT NOT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM first_seen)
                    AND NOT EXISTS (SELECT 1 FROM outbox) AND NOT EXISTS (SELECT 1 FROM deliveries)
                    AND NOT EXISTS (SELECT 1 FROM meta)
                """, logger: self.logger)
            for try await empty in rows.decode(Bool.self) { return empty }
            return false
        }
    }

    public func contents() throws(StoreError) -> StoreContents {
        try transaction("read the contents of", timeout: Self.bulkTimeout) { connection in
            // Every read below sees the same committed state.
            try await connection.query(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: self.logger)
            var contents = StoreContents()
            let events = try await connection.query(
                """
                SELECT seq, id, contact, type, at, note, recorded_at, source, sender_id FROM events ORDER BY seq
                """, logger: self.logger)
            for try await (seq, id, contact, type, at, note, recordedAt, source, senderID) in events.decode(
                (Int64, String, String, String, Int64, String?, Int64, String?, String?).self)
            {
                contents.events.append(
                    StoreContents.EventRow(
                        seq: seq, id: id, contact: contact, type: type, at: at, note: note, recordedAt: recordedAt,
                        source: source, senderID: senderID))
            }
            var counter: Int64 = 0
            for try await last in try await connection.query("SELECT last FROM event_counter", logger: self.logger)
                .decode(Int64.self)
            {
                counter = last
            }
            contents.lastEventNumber = max(counter, contents.events.last?.seq ?? 0)

            let firstSeen = try await connection.query(
                "SELECT contact, at FROM first_seen ORDER BY contact COLLATE \"C\"", logger: self.logger)
            for try await (contact, at) in firstSeen.decode((String, Int64).self) {
                contents.firstSeen.append(StoreContents.FirstSeenRow(contact: contact, at: at))
            }

            let meta = try await connection.query(
                "SELECT name, value FROM meta ORDER BY name COLLATE \"C\"", logger: self.logger)
            for try await (name, value) in meta.decode((String, String).self) {
                contents.meta.append(StoreContents.MetaRow(name: name, value: value))
            }

            let outbox = try await connection.query(
                """
                SELECT key, rule, contact, channel, due, state, attempts, next_attempt_at, last_error, updated_at,
                    recipient, to_kind, message, first_attempt_at, digest
                FROM outbox ORDER BY key COLLATE "C"
                """, logger: self.logger)
            for try await row in outbox {
                let (
                    key, rule, contact, channel, due, stateText, attempts, next, error, updatedAt, recipient, toKind,
                    message, firstAttempt, digest
                ) = try row.decode(
                    (
                        String, String, String, String, Int64, String, Int, Int64?, String?, Int64, String?, String?,
                        String?, Int64?, String?
                    ).self)
                guard let state = OutboxState(rawValue: stateText) else {
                    throw StoreError(
                        .damaged, "the state store '\(self.location)' holds an outbox entry '\(key)' in no known state",
                        note: "restore the store from a backup")
                }
                contents.outbox.append(
                    StoreContents.OutboxRow(
                        key: key, rule: rule, contact: contact, channel: channel, due: due, state: state,
                        attempts: attempts, nextAttemptAt: next, lastError: error, updatedAt: updatedAt,
                        recipient: recipient, toKind: toKind, message: message, firstAttemptAt: firstAttempt,
                        digest: digest))
            }

            let deliveries = try await connection.query(
                "SELECT key, attempt, started_at, finished_at, result, detail FROM deliveries ORDER BY seq",
                logger: self.logger)
            for try await (key, attempt, startedAt, finishedAt, result, detail) in deliveries.decode(
                (String, Int, Int64, Int64?, String?, String?).self)
            {
                contents.deliveries.append(
                    StoreContents.DeliveryRow(
                        key: key, attempt: attempt, startedAt: startedAt, finishedAt: finishedAt, result: result,
                        detail: detail))
            }
            return contents
        }
    }

    /// In one transaction: the event counter's row lock first (as every transaction that numbers
    /// events takes it), then every row deleted, the new ones sent by `COPY` (outbox entries before
    /// the attempts that refer to them), and the counter set to ``StoreContents/eventSequence``
    /// (or left where it was when that is higher).
    /// The copied entries are unclaimed; the attempts name no replica.
    public func replaceContents(with contents: StoreContents) throws(StoreError) {
        if contents.events.contains(where: { StoreRules.hasNUL($0.id, $0.contact, $0.type, $0.note) }) {
            throw StoreRules.nulError(place: "\(location)")
        }
        var events = CopyRows()
        for row in contents.events {
            events.event(
                seq: row.seq, id: row.id,
                ImportedEvent(contact: row.contact, type: row.type, at: row.at, note: row.note),
                recordedAt: row.recordedAt, source: row.source, senderID: row.senderID)
        }
        var firstSeen = CopyRows()
        for row in contents.firstSeen {
            firstSeen.append(row.contact)
            firstSeen.append(row.at)
            firstSeen.endRow()
        }
        var meta = CopyRows()
        for row in contents.meta {
            meta.append(row.name)
            meta.append(row.value)
            meta.endRow()
        }
        var outbox = CopyRows()
        for row in contents.outbox {
            outbox.append(row.key)
            outbox.append(row.rule)
            outbox.append(row.contact)
            outbox.append(row.channel)
            outbox.append(row.due)
            outbox.append(row.state.rawValue)
            outbox.append(Int64(row.attempts))
            outbox.append(row.nextAttemptAt)
            outbox.append(row.lastError)
            outbox.append(row.updatedAt)
            outbox.append(row.recipient)
            outbox.append(row.toKind)
            outbox.append(row.message)
            outbox.append(row.firstAttemptAt)
            outbox.append(row.digest)
            outbox.endRow()
        }
        var deliveries = CopyRows()
        for row in contents.deliveries {
            deliveries.append(row.key)
            deliveries.append(Int64(row.attempt))
            deliveries.append(row.startedAt)
            deliveries.append(row.finishedAt)
            deliveries.append(row.result)
            deliveries.append(row.detail)
            deliveries.endRow()
        }
        let tables = [
            (events, "events", Self.eventColumns),
            (firstSeen, "first_seen", ["contact", "at"]),
            (meta, "meta", ["name", "value"]),
            (outbox, "outbox", Self.outboxColumns),
            // `seq` from the table's sequence, in the order the rows arrive: the order given.
            (deliveries, "deliveries", ["key", "attempt", "started_at", "finished_at", "result", "detail"]),
        ]
        let sequence = contents.eventSequence
        try transaction("replace the contents of", timeout: Self.bulkTimeout) { connection in
            let handedOut = try await self.lockCounter(connection)
            for table in ["deliveries", "outbox", "events", "first_seen", "meta"] {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM \(table)"), logger: self.logger)
            }
            for (rows, table, columns) in tables {
                try await rows.copy(into: table, columns: columns, on: connection, logger: self.logger)
            }
            try await connection.query(
                "UPDATE event_counter SET last = \(max(sequence, handedOut))", logger: self.logger)
        }
    }

    /// The columns of `outbox` a copy carries: all but the claim.
    static let outboxColumns = [
        "key", "rule", "contact", "channel", "due", "state", "attempts", "next_attempt_at", "last_error", "updated_at",
        "recipient", "to_kind", "message", "first_attempt_at", "digest",
    ]
}
