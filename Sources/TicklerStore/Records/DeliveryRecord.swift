import GRDB

/// A row of `deliveries`: one delivery attempt of an outbox entry, the history `status` and
/// `history` show.
struct DeliveryRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deliveries"

    var seq: Int64?
    /// The outbox entry's occurrence key.
    var key: String
    /// 1 for the first attempt.
    var attempt: Int
    var startedAt: Int64
    /// `nil` while the attempt is in flight (or was cut off by a crash).
    var finishedAt: Int64?
    /// `delivered`, `retry`, `failed`; `nil` while in flight.
    var result: String?
    /// What the server said, or why it failed (no message body, address or secret).
    var detail: String?

    enum CodingKeys: String, CodingKey {
        case seq, key, attempt, result, detail
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}
