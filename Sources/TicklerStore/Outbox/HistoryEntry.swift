/// One line of `tickler history`: a delivery attempt with the outbox entry it belongs to, or an
/// entry that was never attempted (missed, failed before sending, still pending).
public struct HistoryEntry: Sendable, Hashable {
    /// What became of the attempt, or of the entry that was never attempted.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// The server accepted it.
        case delivered
        /// A transient failure; the entry was tried again later.
        case retry
        /// A permanent failure, or the last try before giving up; or an entry that could not be sent.
        case failed
        /// Cut off by a crash or a kill before its outcome was recorded; tried again with the same key.
        case interrupted
        /// In flight.
        case sending
        /// Never attempted: it fell due while Tickler was down, beyond `catch_up`.
        case missed
        /// Never attempted yet.
        case pending
        /// Never attempted on its own: a digest carries it (the detail is the digest's key).
        case bundled
    }

    public var key: String
    public var rule: String
    public var contact: String
    public var channel: String
    /// The id of the person it went to (`nil` in entries from before `v2-outbox-message`).
    public var recipient: String?
    /// The occurrence's due instant, seconds since the epoch.
    public var due: Int64
    /// The attempt's number, 1 for the first; `nil` for an entry never attempted.
    public var attempt: Int?
    /// When the attempt started; for an entry never attempted, when it was last updated.
    public var at: Int64
    /// When the attempt ended; for an interrupted one, when the next attempt found it cut off; `nil`
    /// in flight or never attempted.
    public var finishedAt: Int64?
    public var outcome: Outcome
    /// What the server said, the error, why the entry was missed, or the digest that carries it.
    public var detail: String?

    public init(
        key: String, rule: String, contact: String, channel: String, recipient: String?, due: Int64, attempt: Int?,
        at: Int64, finishedAt: Int64?, outcome: Outcome, detail: String?
    ) {
        self.key = key
        self.rule = rule
        self.contact = contact
        self.channel = channel
        self.recipient = recipient
        self.due = due
        self.attempt = attempt
        self.at = at
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.detail = detail
    }
}
