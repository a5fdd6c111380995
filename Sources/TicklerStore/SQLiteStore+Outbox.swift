import GRDB

/// The outbox and the delivery history, which the daemon keeps (issue 6 builds on these tables):
/// an occurrence that falls due becomes an `outbox` row keyed by its occurrence key, each delivery
/// attempt a `deliveries` row.
extension SQLiteStore {
    /// The keys among `keys` whose occurrence was delivered: `upcoming` leaves them out.
    public func deliveredKeys(among keys: [String]) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try read("read the outbox in") { db in
            var delivered = Set<String>()
            // SQLite limits the number of arguments of one statement: ask in slices.
            var start = keys.startIndex
            while start < keys.endIndex {
                let end = min(start + 500, keys.endIndex)
                let slice = Array(keys[start..<end])
                let found = try String.fetchAll(
                    db,
                    OutboxRecord.select(OutboxRecord.Columns.key)
                        .filter(slice.contains(OutboxRecord.Columns.key))
                        .filter(OutboxRecord.Columns.state == OutboxRecord.State.delivered.rawValue))
                delivered.formUnion(found)
                start = end
            }
            return delivered
        }
    }

    /// Records that the occurrence `key` was delivered at `at` (one successful attempt): the outbox
    /// entry, created or updated, and a history row. For tests and tools; the daemon records its
    /// attempts step by step.
    public func recordDelivered(
        key: String, rule: String, contact: String, channel: String, due: Int64, at: Int64
    ) throws(StoreError) {
        try write("record a delivery in") { db in
            var entry =
                try OutboxRecord.fetchOne(db, key: key)
                ?? OutboxRecord(
                    key: key, rule: rule, contact: contact, channel: channel, due: due, state: .pending,
                    attempts: 0, nextAttemptAt: nil, lastError: nil, updatedAt: at)
            entry.state = .delivered
            entry.attempts += 1
            entry.nextAttemptAt = nil
            entry.lastError = nil
            entry.updatedAt = at
            try entry.save(db)
            let attempt = DeliveryRecord(
                seq: nil, key: key, attempt: entry.attempts, startedAt: at, finishedAt: at, result: "delivered",
                detail: nil)
            try attempt.insert(db)
        }
    }
}
