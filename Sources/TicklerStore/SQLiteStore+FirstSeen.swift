import GRDB
import TicklerCore

/// When Tickler first saw each contact: an `every` rule's clock starts there for a contact that has
/// no interaction yet, so adding contacts never floods anyone.
extension SQLiteStore {
    /// Contact id → first-seen time (seconds since the epoch), for every contact seen so far.
    public func firstSeen() throws(StoreError) -> FirstSeenTimes {
        try read("read first-seen times from") { db in
            // Through SQLite's C interface, each id's bytes straight into the table, sized once: a
            // GRDB row and a `String` per contact took most of a second start with a million.
            var times = FirstSeenTimes(
                minimumCapacity: try Int.fetchOne(db, sql: "SELECT count(*) FROM first_seen") ?? 0)
            let rows = try RowStatement(db, sql: "SELECT contact, at FROM first_seen")
            while try rows.step() {
                let at = rows.integer(1)
                rows.withText(0) { times.insert(bytes: $0, at: at, isNew: true) }  // `contact` is the key
            }
            return times
        }
    }

    /// Records `at` as the first-seen time of each of `contacts` not seen before; contacts already
    /// seen keep their time. One transaction; the ids go in as JSON arrays of 50,000, each one
    /// statement (a million contacts at a first start: one statement per contact took most of it).
    public func recordFirstSeen(_ contacts: [String], at: Int64) throws(StoreError) {
        guard !contacts.isEmpty else { return }
        try write("record first-seen times in") { db in
            // `WHERE true`: SQLite reads `ON CONFLICT` after a bare `FROM` as a join constraint.
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO first_seen (contact, at) SELECT value, ? FROM json_each(?) WHERE true
                    ON CONFLICT (contact) DO NOTHING
                    """)
            var start = contacts.startIndex
            while start < contacts.endIndex {
                let end = min(start + 50_000, contacts.endIndex)
                var array = "["
                for (offset, contact) in contacts[start..<end].enumerated() {
                    if offset > 0 { array += "," }
                    array += JSONText.quoted(contact)
                }
                array += "]"
                try insert.execute(arguments: [at, array])
                start = end
            }
        }
    }
}
