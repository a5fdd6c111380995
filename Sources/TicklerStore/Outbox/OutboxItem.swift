import TicklerCore

/// An occurrence that fell due, as the daemon puts it in the outbox (``SQLiteStore/enqueue(_:at:)``).
public struct OutboxItem: Sendable {
    /// How the entry starts.
    public enum State: Sendable, Hashable {
        /// To be attempted.
        case pending
        /// Not to be attempted: it fell due longer ago than `catch_up` allows. The reason is kept
        /// for `tickler status` (`due 2026-11-20T09:00:00+08:00, 3 days ago, beyond catch_up 24h`).
        case missed(reason: String)
        /// Not to be attempted: it cannot be sent (its message could not be rendered).
        case failed(reason: String)
        /// Not to be attempted: the digest `digest` carries it, enqueued in the same transaction.
        case bundled(digest: String)
    }

    /// The occurrence key, `RULE/CONTACT/YYYY-MM-DD` or `RULE/CONTACT/EVENT-ID[/N]`.
    public var key: String
    public var rule: String
    public var contact: String
    public var channel: String
    /// The due instant, seconds since the epoch.
    public var due: Int64
    /// Who it goes to: the contact, its owner or the owner's manager.
    public var to: Rule.Recipient
    /// That person's id.
    public var recipient: String
    /// The message as rendered now, sent unchanged by every attempt; `nil` for an entry that is
    /// not to be attempted.
    public var message: RenderedMessage?
    public var state: State

    public init(
        key: String, rule: String, contact: String, channel: String, due: Int64, to: Rule.Recipient,
        recipient: String, message: RenderedMessage?, state: State = .pending
    ) {
        self.key = key
        self.rule = rule
        self.contact = contact
        self.channel = channel
        self.due = due
        self.to = to
        self.recipient = recipient
        self.message = message
        self.state = state
    }

    /// An item for `occurrence`, taking key, rule, contact, channel, due and recipient from it.
    public init(_ occurrence: Occurrence, message: RenderedMessage?, state: State = .pending) {
        self.init(
            key: occurrence.key, rule: occurrence.rule, contact: occurrence.contact, channel: occurrence.channel,
            due: occurrence.due, to: occurrence.to, recipient: occurrence.recipient, message: message, state: state)
    }
}
