import GRDB

/// Which occurrences were delivered, for the commands that leave them out (`upcoming`, `render`).
extension SQLiteStore {
    /// The keys among `keys` whose occurrence was delivered, or is carried by a digest (`bundled`):
    /// `upcoming` leaves them out.
    ///
    /// One query per 100,000 keys, each over the keys passed as one JSON array (`json_each`): no
    /// temporary table, so it works on a store opened for reading. Each key is a primary-key lookup;
    /// keys given in runs of ascending order (as `upcoming` gives them: by due instant, then key)
    /// are looked up in file order.
    public func deliveredKeys(among keys: [String]) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try read("read the outbox in") { db in
            let anyDelivered = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE state IN ('delivered', 'bundled'))")
            guard anyDelivered == true else { return [] }
            let query = try db.makeStatement(
                sql: """
                    SELECT j.key FROM json_each(?) AS j CROSS JOIN outbox AS o ON o.key = j.value
                    WHERE o.state IN ('delivered', 'bundled')
                    """)
            var delivered = Set<String>()
            var start = keys.startIndex
            while start < keys.endIndex {
                let end = min(start + Self.keysPerQuery, keys.endIndex)
                let positions = try Int.fetchCursor(query, arguments: [Self.jsonArray(keys[start..<end])])
                while let position = try positions.next() {
                    delivered.insert(keys[start + position])
                }
                start = end
            }
            return delivered
        }
    }

    /// Records that the occurrence `key` was delivered at `at` (one successful attempt): the outbox
    /// entry, created or updated, and a history row. For tests and tools; the daemon records its
    /// attempts step by step (``beginAttempt(key:at:)``, ``finishAttempt(key:attempt:at:outcome:)``).
    public func recordDelivered(
        key: String, rule: String, contact: String, channel: String, due: Int64, at: Int64
    ) throws(StoreError) {
        try write("record a delivery in") { db in
            var entry =
                try OutboxRecord.fetchOne(db, key: key)
                ?? OutboxRecord(
                    key: key, rule: rule, contact: contact, channel: channel, due: due, state: .pending,
                    attempts: 0, nextAttemptAt: nil, lastError: nil, updatedAt: at, recipient: nil, toKind: nil,
                    message: nil, firstAttemptAt: nil, digest: nil)
            entry.state = .delivered
            entry.attempts += 1
            entry.nextAttemptAt = nil
            entry.lastError = nil
            entry.message = nil
            entry.firstAttemptAt = entry.firstAttemptAt ?? at
            entry.updatedAt = at
            try entry.save(db)
            let attempt = DeliveryRecord(
                seq: nil, key: key, attempt: entry.attempts, startedAt: at, finishedAt: at, result: "delivered",
                detail: nil)
            try attempt.insert(db)
        }
    }

    /// The keys among `keys` the outbox has, in any state: the daemon asks whether a digest went
    /// out already, and which of its items are in the outbox.
    public func outboxKeys(among keys: [String]) throws(StoreError) -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try read("read the outbox in") { db in
            let query = try db.makeStatement(
                sql: "SELECT j.key FROM json_each(?) AS j CROSS JOIN outbox AS o ON o.key = j.value")
            var found = Set<String>()
            var start = keys.startIndex
            while start < keys.endIndex {
                let end = min(start + Self.keysPerQuery, keys.endIndex)
                let positions = try Int.fetchCursor(query, arguments: [Self.jsonArray(keys[start..<end])])
                while let position = try positions.next() { found.insert(keys[start + position]) }
                start = end
            }
            return found
        }
    }

    /// Keys per `deliveredKeys` query: bounds the JSON text (a few MB) well below SQLite's limits.
    static let keysPerQuery = 100_000

    /// `["a","b"]`, escaped as JSON requires (quote, backslash, control characters); other UTF-8
    /// passes through as it is.
    static func jsonArray(_ strings: ArraySlice<String>) -> String {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(strings.count * 48 + 2)
        let hex = Array("0123456789abcdef".utf8)
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "\""))
            for byte in string.utf8 {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(byte)
                case 0..<0x20:
                    bytes.append(contentsOf: Array(#"\u00"#.utf8))
                    bytes.append(hex[Int(byte >> 4)])
                    bytes.append(hex[Int(byte & 0xF)])
                default:
                    bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
