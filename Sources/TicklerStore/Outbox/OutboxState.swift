/// Where an outbox entry's delivery stands.
///
///     pending ──▶ sending ──▶ delivered
///                  │  ▲
///                  ▼  │
///                 retry ──▶ failed        missed, bundled (never attempted)
///
/// An entry is `sending` from the commit before an attempt to the commit after it; one found
/// `sending` by a daemon that is not sending it was cut off by a crash, and is attempted again with
/// the same key.
public enum OutboxState: String, Sendable, Hashable, CaseIterable, Codable {
    /// Due, not yet attempted.
    case pending
    /// An attempt started and has not been recorded as finished.
    case sending
    case delivered
    /// A transient failure; the next attempt is at ``OutboxWork/nextAttemptAt``.
    case retry
    /// A permanent failure, or retries given up.
    case failed
    /// Fell due while Tickler was down, longer ago than `catch_up` allows; never attempted.
    case missed
    /// Carried by a digest (`digest/OWNER/YYYY-MM-DD`, in the row's `digest`): delivered with it,
    /// never attempted on its own.
    case bundled
}
