/// Whether an occurrence that is late — it fell due while Tickler was down, or while the daemon was
/// busy — still goes out (SPEC, "Guarantees"): yes within `catch_up` of its due instant (the rule's,
/// else the configuration's; default 24h), else it is recorded as missed with a reason that
/// `tickler status` shows. Never lost without a word, never a flood after a long outage.
///
/// Pure: the caller passes the time.
///
///     CatchUp.decide(due: due, offset: 28_800, now: due + 3 * 86_400, catchUp: TimeSpan(24, .hours))
///     // .missed(reason: "due 2026-11-20T09:00:00+08:00, 3 days ago, beyond catch_up 24h")
public enum CatchUp {
    /// Send or record as missed.
    public enum Decision: Sendable, Hashable {
        case send
        /// Too late; `reason` says by how much, e.g.
        /// `due 2026-11-20T09:00:00+08:00, 3 days ago, beyond catch_up 24h`.
        case missed(reason: String)
    }

    /// Lateness up to this many seconds is on time, whatever `catch_up` says (`catch_up: 0m` means
    /// "never send late", not "miss a reminder the timer fired a second late").
    public static let onTime: Int64 = 60

    /// The `catch_up` that applies to `rule`: its own, else the configuration's.
    public static func limit(for rule: Rule, in config: Config) -> TimeSpan {
        rule.catchUp ?? config.catchUp
    }

    /// Whether `occurrence` goes out at `now` under `catchUp`.
    public static func decide(_ occurrence: Occurrence, now: Int64, catchUp: TimeSpan) -> Decision {
        decide(due: occurrence.due, offset: occurrence.offset, now: now, catchUp: catchUp)
    }

    /// Whether an occurrence due at `due` (shown in the reason at UTC offset `offset`, seconds east)
    /// goes out at `now` under `catchUp`.
    public static func decide(due: Int64, offset: Int, now: Int64, catchUp: TimeSpan) -> Decision {
        decide(due: due, offset: offset, now: now, limit: catchUp.seconds, written: catchUp.description)
    }

    /// The same, with `catchUp` in seconds (shown in
    /// the reason in its largest whole unit: `24h`, `2d`, `90m`).
    public static func decide(due: Int64, offset: Int, now: Int64, catchUp: Int64) -> Decision {
        decide(due: due, offset: offset, now: now, limit: catchUp, written: DurationText.compact(catchUp))
    }

    private static func decide(due: Int64, offset: Int, now: Int64, limit: Int64, written: String) -> Decision {
        let lateness = now &- due
        guard lateness > max(limit, onTime) else { return .send }
        let when = Timestamp.format(due, offset: offset)
        return .missed(reason: "due \(when), \(DurationText.ago(lateness)) ago, beyond catch_up \(written)")
    }
}
