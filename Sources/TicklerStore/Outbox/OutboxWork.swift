import TicklerCore

/// An outbox entry to attempt now, as ``SQLiteStore/dueWork(now:channel:limit:excluding:)`` returns it.
public struct OutboxWork: Sendable {
    /// The message stored with an entry.
    public enum Message: Sendable {
        /// The message rendered when the entry was enqueued: send exactly this.
        case rendered(RenderedMessage)
        /// None was stored (an entry from before `v2-outbox-message`, or enqueued without one).
        case none
        /// One was stored but cannot be read back (written by another version of Tickler); says why.
        case unreadable(String)
    }

    /// The occurrence key: the Message-ID, `webhook-id` and `Idempotency-Key` of every attempt.
    public var key: String
    public var rule: String
    public var contact: String
    public var channel: String
    /// The due instant, seconds since the epoch.
    public var due: Int64
    /// `pending`, `retry`, or `sending` for an attempt a crash cut off.
    public var state: OutboxState
    /// Attempts started so far.
    public var attempts: Int
    /// When the first attempt started (`nil` before it): retries give up a fixed time after it.
    public var firstAttemptAt: Int64?
    /// For `retry`: when it was to be tried again.
    public var nextAttemptAt: Int64?
    /// The reason of the last failure.
    public var lastError: String?
    /// Who it goes to (`nil` in entries from before `v2-outbox-message`).
    public var to: Rule.Recipient?
    /// That person's id (`nil` in entries from before `v2-outbox-message`).
    public var recipient: String?
    public var message: Message

    public init(
        key: String, rule: String, contact: String, channel: String, due: Int64, state: OutboxState, attempts: Int,
        firstAttemptAt: Int64?, nextAttemptAt: Int64?, lastError: String?, to: Rule.Recipient?, recipient: String?,
        message: Message
    ) {
        self.key = key
        self.rule = rule
        self.contact = contact
        self.channel = channel
        self.due = due
        self.state = state
        self.attempts = attempts
        self.firstAttemptAt = firstAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.to = to
        self.recipient = recipient
        self.message = message
    }
}

/// How a delivery attempt ended, for ``SQLiteStore/finishAttempt(key:attempt:at:outcome:)``.
public enum AttemptOutcome: Sendable, Hashable {
    /// The server accepted the message; `detail` is what it said (a queue id, a status line), if anything.
    case delivered(detail: String?)
    /// A transient failure: try again at `at` (seconds since the epoch). `error` says what went wrong.
    case retry(at: Int64, error: String)
    /// A permanent failure, or retries given up: no more attempts.
    case failed(error: String)
}
