import Foundation
import Logging
import PostgresNIO
import TicklerCore
import TicklerStore

/// First-seen times and the named values of `meta`.
extension PostgresStore {
    /// Every first-seen time, read as one row per distinct time: the ids of that time joined into
    /// one `bytea`, a zero byte between two (a `text` value never holds one). A daemon reads a
    /// million of them at every start, and the times are few (a start or reload records its new
    /// contacts at one instant): a million rows, each decoded on its own, took most of a second; one
    /// value per time is split here in a few milliseconds.
    public func firstSeen() throws(StoreError) -> FirstSeenTimes {
        try call("read first-seen times from", timeout: Self.bulkTimeout) { client in
            let count = try await client.query("SELECT count(*) FROM first_seen", logger: self.logger)
            var capacity = 0
            for try await value in count.decode(Int.self) { capacity = value }
            var times = FirstSeenTimes(minimumCapacity: capacity)
            let rows = try await client.query(
                """
                SELECT at, string_agg(convert_to(contact, 'UTF8'), '\\x00'::bytea)
                FROM first_seen GROUP BY at
                """, logger: self.logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let at = try cells[0].decode(Int64.self)
                guard let joined = cells[1].bytes else { continue }
                joined.withUnsafeReadableBytes { raw in
                    // `contact` is the table's key: every id is new to the table.
                    Self.splitAtZeros(raw.bindMemory(to: UInt8.self)) { times.insert(bytes: $0, at: at, isNew: true) }
                }
            }
            return times
        }
    }

    /// Calls `body` with each run of `bytes` between zero bytes (the first starts at the start, the
    /// last ends at the end).
    static func splitAtZeros(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = bytes.baseAddress else { return body(bytes) }
        var start = 0
        while let zero = memchr(base + start, 0, bytes.count - start) {
            let end = base.distance(to: zero.assumingMemoryBound(to: UInt8.self))
            body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = end + 1
        }
        body(UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// Records `at` for each of `contacts` not seen before, in one transaction. The ids go in by
    /// `COPY`: straight into the table when it is empty (a first start), otherwise into a temporary
    /// table that is then merged with `ON CONFLICT DO NOTHING`. The table is locked against other
    /// recorders for the transaction, so two replicas starting together do not both take the first way.
    /// An id given twice goes in once either way (the first way has no `ON CONFLICT`: repeats are
    /// left out by their bytes, as the table's key compares them).
    public func recordFirstSeen(_ contacts: [String], at: Int64) throws(StoreError) {
        guard !contacts.isEmpty else { return }
        try transaction("record first-seen times in", timeout: Self.bulkTimeout) { connection in
            try await connection.query("LOCK TABLE first_seen IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
            var empty = false
            for try await value in try await connection.query(
                "SELECT NOT EXISTS (SELECT 1 FROM first_seen)", logger: self.logger
            ).decode(Bool.self) { empty = value }
            var rows = CopyRows()
            var given = FirstSeenTimes(minimumCapacity: empty ? contacts.count : 0)
            for contact in contacts {
                if empty {
                    let count = given.count
                    given.insert(contact, at: at)
                    if given.count == count { continue }
                }
                rows.append(contact)
                rows.append(at)
                rows.endRow()
            }
            if empty {
                try await rows.copy(
                    into: "first_seen", columns: ["contact", "at"], on: connection, logger: self.logger)
                return
            }
            try await connection.query(
                "CREATE TEMPORARY TABLE incoming_first_seen (contact TEXT COLLATE \"C\", at BIGINT) ON COMMIT DROP",
                logger: self.logger)
            try await rows.copy(
                into: "incoming_first_seen", columns: ["contact", "at"], on: connection, logger: self.logger)
            try await connection.query(
                "INSERT INTO first_seen SELECT contact, at FROM incoming_first_seen ON CONFLICT (contact) DO NOTHING",
                logger: self.logger)
        }
    }

    public func metaValue(_ name: String) throws(StoreError) -> String? {
        try call("read '\(name)' from") { client in
            let rows = try await client.query("SELECT value FROM meta WHERE name = \(name)", logger: self.logger)
            for try await value in rows.decode(String.self) { return value }
            return nil
        }
    }

    public func setMetaValue(_ value: String?, for name: String) throws(StoreError) {
        try call("write '\(name)' to") { client in
            if let value {
                try await client.query(
                    """
                    INSERT INTO meta (name, value) VALUES (\(name), \(value))
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value
                    """, logger: self.logger)
            } else {
                try await client.query("DELETE FROM meta WHERE name = \(name)", logger: self.logger)
            }
        }
    }

    public func metaValue(_ name: String, storingIfAbsent value: String) throws(StoreError) -> String {
        try call("write '\(name)' to") { client in
            try await client.query(
                "INSERT INTO meta (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING",
                logger: self.logger)
            let rows = try await client.query("SELECT value FROM meta WHERE name = \(name)", logger: self.logger)
            for try await stored in rows.decode(String.self) { return stored }
            return value
        }
    }

    public func scheduledThrough() throws(StoreError) -> Int64? {
        try StoreRules.watermark(try metaValue(Self.scheduledThroughName), place: "\(location)")
    }

    /// Moves the watermark forward, never back: several replicas plan the same occurrences, and
    /// one whose clock or start lags must not undo another's progress.
    public func setScheduledThrough(_ instant: Int64) throws(StoreError) {
        try call("write '\(Self.scheduledThroughName)' to") { client in
            try await client.query(
                """
                INSERT INTO meta (name, value) VALUES (\(Self.scheduledThroughName), \(String(instant)))
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                WHERE meta.value !~ '^-?[0-9]+$' OR meta.value::bigint < excluded.value::bigint
                """, logger: self.logger)
        }
    }

    static let scheduledThroughName = StoreRules.scheduledThroughName

    public func ping() throws(StoreError) {
        try call("read", timeout: 5) { client in
            try await client.query("SELECT 1", logger: self.logger)
        }
    }
}
