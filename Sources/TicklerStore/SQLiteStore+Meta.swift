import GRDB

/// Named values kept between runs, e.g. `scheduled_through` (how far the daemon has scheduled).
extension SQLiteStore {
    /// The value stored under `name`, if any.
    public func metaValue(_ name: String) throws(StoreError) -> String? {
        try read("read '\(name)' from") { db in
            try MetaRecord.fetchOne(db, key: name)?.value
        }
    }

    /// Stores `value` under `name`, replacing what was there; `nil` removes it.
    public func setMetaValue(_ value: String?, for name: String) throws(StoreError) {
        try write("write '\(name)' to") { db in
            if let value {
                try MetaRecord(name: name, value: value).save(db)
            } else {
                _ = try MetaRecord.deleteOne(db, key: name)
            }
        }
    }

    public func metaValue(_ name: String, storingIfAbsent value: String) throws(StoreError) -> String {
        try write("write '\(name)' to") { db in
            try db.execute(
                sql: "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [name, value])
            return try MetaRecord.fetchOne(db, key: name)?.value ?? value
        }
    }
}

extension SQLiteStore {
    public func ping() throws(StoreError) {
        _ = try read("read") { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
