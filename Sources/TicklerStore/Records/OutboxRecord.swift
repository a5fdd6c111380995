import GRDB

/// A row of `outbox`: one occurrence that fell due, and where its delivery stands.
struct OutboxRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox"

    /// Where an occurrence's delivery stands.
    enum State: String, Codable, Sendable, DatabaseValueConvertible {
        /// Due, not yet attempted.
        case pending
        /// An attempt started and has not been recorded as finished (after a crash: retry it, same key).
        case sending
        case delivered
        /// A transient failure; the next attempt is at `next_attempt_at`.
        case retry
        /// A permanent failure, or retries exhausted.
        case failed
        /// Fell due while Tickler was down, longer ago than `catch_up` allows.
        case missed
    }

    /// The occurrence key, `RULE/CONTACT/YYYY-MM-DD` or `RULE/CONTACT/EVENT-ID[/N]`.
    var key: String
    var rule: String
    var contact: String
    var channel: String
    /// The due instant, seconds since the epoch.
    var due: Int64
    var state: State
    var attempts: Int
    var nextAttemptAt: Int64?
    /// The reason of the last failure (no message body, address or secret).
    var lastError: String?
    var updatedAt: Int64

    enum CodingKeys: String, CodingKey {
        case key, rule, contact, channel, due, state, attempts
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case updatedAt = "updated_at"
    }

    enum Columns {
        static let key = Column(CodingKeys.key)
        static let state = Column(CodingKeys.state)
    }
}
