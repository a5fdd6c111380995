import GRDB

/// A row of `first_seen`: when Tickler first saw a contact.
struct FirstSeenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "first_seen"

    var contact: String
    /// Seconds since the epoch.
    var at: Int64
}
