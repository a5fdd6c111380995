import GRDB

/// When Tickler first saw each contact: an `every` rule's clock starts there for a contact that has
/// no interaction yet, so adding contacts never floods anyone.
extension SQLiteStore {
    /// Contact id → first-seen time (seconds since the epoch), for every contact seen so far.
    public func firstSeen() throws(StoreError) -> [String: Int64] {
        try read("read first-seen times from") { db in
            var times: [String: Int64] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT contact, at FROM first_seen")
            while let row = try rows.next() {
                times[row[0]] = row[1]
            }
            return times
        }
    }

    /// Records `at` as the first-seen time of each of `contacts` not seen before; contacts already
    /// seen keep their time. One transaction.
    public func recordFirstSeen(_ contacts: [String], at: Int64) throws(StoreError) {
        guard !contacts.isEmpty else { return }
        try write("record first-seen times in") { db in
            let insert = try db.cachedStatement(
                sql: "INSERT INTO first_seen (contact, at) VALUES (?, ?) ON CONFLICT (contact) DO NOTHING")
            for contact in contacts {
                try insert.execute(arguments: [contact, at])
            }
        }
    }
}
