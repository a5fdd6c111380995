import GRDB

/// A row of `meta`: a named value kept between runs (`scheduled_through`).
struct MetaRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "meta"

    var name: String
    var value: String
}
