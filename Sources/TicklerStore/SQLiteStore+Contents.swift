import GRDB

/// The whole store at once, for `tickler state copy`: read in one snapshot, replaced in one
/// transaction.
extension SQLiteStore: CopyableStore {
    public func isEmpty() throws(StoreError) -> Bool {
        try read("read") { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT NOT EXISTS (SELECT 1 FROM events) AND NOT EXISTS (SELECT 1 FROM first_seen)
                        AND NOT EXISTS (SELECT 1 FROM outbox) AND NOT EXISTS (SELECT 1 FROM deliveries)
                        AND NOT EXISTS (SELECT 1 FROM meta)
                    """) ?? false
        }
    }

    public func contents() throws(StoreError) -> StoreContents {
        try read("read the contents of") { db in
            var contents = StoreContents()
            let events = try Row.fetchCursor(
                db,
                sql: """
                    SELECT seq, id, contact, type, at, note, recorded_at, source, sender_id FROM events ORDER BY seq
                    """)
            while let row = try events.next() {
                contents.events.append(
                    StoreContents.EventRow(
                        seq: row[0], id: row[1], contact: row[2], type: row[3], at: row[4], note: row[5],
                        recordedAt: row[6], source: row[7], senderID: row[8]))
            }
            let handedOut =
                try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'events'") ?? 0
            contents.lastEventNumber = max(handedOut, contents.events.last?.seq ?? 0)

            // Through SQLite's C interface: there may be a million.
            contents.firstSeen.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM first_seen") ?? 0)
            let firstSeen = try RowStatement(db, sql: "SELECT contact, at FROM first_seen ORDER BY contact")
            while try firstSeen.step() {
                contents.firstSeen.append(
                    StoreContents.FirstSeenRow(contact: firstSeen.text(0) ?? "", at: firstSeen.integer(1)))
            }

            let meta = try Row.fetchCursor(db, sql: "SELECT name, value FROM meta ORDER BY name")
            while let row = try meta.next() {
                contents.meta.append(StoreContents.MetaRow(name: row[0], value: row[1]))
            }

            let outbox = try Row.fetchCursor(
                db,
                sql: """
                    SELECT key, rule, contact, channel, due, state, attempts, next_attempt_at, last_error, updated_at,
                        recipient, to_kind, message, first_attempt_at, digest
                    FROM outbox ORDER BY key
                    """)
            while let row = try outbox.next() {
                let key: String = row[0]
                let stateText: String = row[5]
                guard let state = OutboxState(rawValue: stateText) else {
                    throw StoreError(
                        .damaged, "the state store '\(path)' holds an outbox entry '\(key)' in no known state",
                        note: "restore the store from a backup")
                }
                contents.outbox.append(
                    StoreContents.OutboxRow(
                        key: key, rule: row[1], contact: row[2], channel: row[3], due: row[4], state: state,
                        attempts: row[6], nextAttemptAt: row[7], lastError: row[8], updatedAt: row[9],
                        recipient: row[10], toKind: row[11], message: row[12], firstAttemptAt: row[13],
                        digest: row[14]))
            }

            let deliveries = try Row.fetchCursor(
                db,
                sql: "SELECT key, attempt, started_at, finished_at, result, detail FROM deliveries ORDER BY seq")
            while let row = try deliveries.next() {
                contents.deliveries.append(
                    StoreContents.DeliveryRow(
                        key: row[0], attempt: row[1], startedAt: row[2], finishedAt: row[3], result: row[4],
                        detail: row[5]))
            }
            return contents
        }
    }

    /// Deletes everything and inserts `contents` in one write transaction — outbox entries before
    /// the attempts that refer to them — then sets the events' AUTOINCREMENT sequence to
    /// ``StoreContents/eventSequence``, or where it was when that is higher.
    public func replaceContents(with contents: StoreContents) throws(StoreError) {
        try write("replace the contents of") { db in
            let handedOut = try Self.nextSequence(db) - 1
            for table in ["deliveries", "outbox", "events", "first_seen", "meta"] {
                try db.execute(sql: "DELETE FROM \(table)")
            }

            let event = try RowStatement(
                db,
                sql: """
                    INSERT INTO events (seq, id, contact, type, at, note, recorded_at, source, sender_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in contents.events {
                event.reset()
                event.bind(1, row.seq)
                event.bind(2, row.id)
                event.bind(3, row.contact)
                event.bind(4, row.type)
                event.bind(5, row.at)
                event.bind(6, row.note)
                event.bind(7, row.recordedAt)
                event.bind(8, row.source)
                event.bind(9, row.senderID)
                try event.execute()
            }

            let firstSeen = try RowStatement(db, sql: "INSERT INTO first_seen (contact, at) VALUES (?, ?)")
            for row in contents.firstSeen {
                firstSeen.reset()
                firstSeen.bind(1, row.contact)
                firstSeen.bind(2, row.at)
                try firstSeen.execute()
            }

            let meta = try RowStatement(db, sql: "INSERT INTO meta (name, value) VALUES (?, ?)")
            for row in contents.meta {
                meta.reset()
                meta.bind(1, row.name)
                meta.bind(2, row.value)
                try meta.execute()
            }

            let outbox = try RowStatement(
                db,
                sql: """
                    INSERT INTO outbox (key, rule, contact, channel, due, state, attempts, next_attempt_at, last_error,
                        updated_at, recipient, to_kind, message, first_attempt_at, digest)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for row in contents.outbox {
                outbox.reset()
                outbox.bind(1, row.key)
                outbox.bind(2, row.rule)
                outbox.bind(3, row.contact)
                outbox.bind(4, row.channel)
                outbox.bind(5, row.due)
                outbox.bind(6, row.state.rawValue)
                outbox.bind(7, Int64(row.attempts))
                outbox.bind(8, row.nextAttemptAt)
                outbox.bind(9, row.lastError)
                outbox.bind(10, row.updatedAt)
                outbox.bind(11, row.recipient)
                outbox.bind(12, row.toKind)
                outbox.bind(13, row.message)
                outbox.bind(14, row.firstAttemptAt)
                outbox.bind(15, row.digest)
                try outbox.execute()
            }

            // After the outbox: each attempt refers to its entry (a foreign key). Numbered by SQLite,
            // in the order given.
            let delivery = try RowStatement(
                db,
                sql: """
                    INSERT INTO deliveries (key, attempt, started_at, finished_at, result, detail)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for row in contents.deliveries {
                delivery.reset()
                delivery.bind(1, row.key)
                delivery.bind(2, Int64(row.attempt))
                delivery.bind(3, row.startedAt)
                delivery.bind(4, row.finishedAt)
                delivery.bind(5, row.result)
                delivery.bind(6, row.detail)
                try delivery.execute()
            }

            try db.execute(sql: "DELETE FROM sqlite_sequence WHERE name = 'events'")
            let sequence = max(contents.eventSequence, handedOut)
            if sequence > 0 {
                try db.execute(
                    sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)", arguments: [sequence])
            }
        }
    }
}
