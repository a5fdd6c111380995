import GRDB

/// A row of `outbox`: one occurrence that fell due, and where its delivery stands.
struct OutboxRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "outbox"

    typealias State = OutboxState

    /// The occurrence key, `RULE/CONTACT/YYYY-MM-DD` or `RULE/CONTACT/EVENT-ID[/N]`.
    var key: String
    var rule: String
    var contact: String
    var channel: String
    /// The due instant, seconds since the epoch.
    var due: Int64
    var state: State
    var attempts: Int
    /// For `retry`: when to try again.
    var nextAttemptAt: Int64?
    /// The reason of the last failure, or why the entry was missed (no message body, address or secret).
    var lastError: String?
    var updatedAt: Int64
    /// The id of the person it goes to (`nil` in rows written before `v2-outbox-message`).
    var recipient: String?
    /// `contact`, `owner` or `manager` (a `Rule.Recipient`).
    var toKind: String?
    /// The rendered message as JSON; `nil` once delivered, and for entries that never had one.
    var message: String?
    /// When the first attempt started: retries give up a fixed time after it.
    var firstAttemptAt: Int64?
    /// For `bundled`: the key of the digest that carries it.
    var digest: String?

    enum CodingKeys: String, CodingKey {
        case key, rule, contact, channel, due, state, attempts, recipient, message, digest
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case updatedAt = "updated_at"
        case toKind = "to_kind"
        case firstAttemptAt = "first_attempt_at"
    }

    enum Columns {
        static let key = Column(CodingKeys.key)
        static let state = Column(CodingKeys.state)
    }
}

extension OutboxState: DatabaseValueConvertible {}
