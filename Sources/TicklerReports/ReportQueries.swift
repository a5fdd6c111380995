import TicklerCore
import TicklerInput
import TicklerStore

/// What `upcoming` and `status` compute from the schedule and the store, shared by the commands and
/// the HTTP service so that both answer the same, byte for byte.
public enum ReportQueries {
    /// Events and first-seen times from the store; empty without a store.
    public static func history(_ store: (any StateStore)?) throws(StoreError) -> Schedule.History {
        guard let store else { return Schedule.History() }
        return Schedule.History(events: EventIndex(try store.unorderedEvents()), firstSeen: try store.firstSeen())
    }

    /// The occurrences due in `range` not yet in the outbox, of the contacts `only` leaves (all
    /// with `nil`). `phaseEnded` is told when each step ends (for `--timings`).
    public static func upcoming(
        _ schedule: Schedule, store: (any StateStore)?, in range: Range<Int64>, now: Int64, only: Set<Int32>?,
        phaseEnded: (String) -> Void = { _ in }
    ) throws(StoreError) -> ScheduledOccurrences {
        let history = try history(store)
        phaseEnded("events")
        var scheduled = schedule.scheduled(in: range, history: history, now: now)
        if let only { scheduled.keepOnly(contacts: only) }
        phaseEnded("compute")
        if let store, !scheduled.keys.isEmpty {
            scheduled.removeAll(keys: try store.deliveredKeys(among: scheduled.keys))
        }
        phaseEnded("delivered")
        return scheduled
    }

    /// The next planned occurrence within a week that is not in the outbox yet (`status`'s "next").
    public static func next(_ schedule: Schedule, store: (any StateStore)?, now: Int64) throws(StoreError)
        -> Occurrence?
    {
        let history = try history(store)
        let week = schedule.occurrences(in: now..<(now + 7 * 86_400), history: history, now: now)
        let candidates = week.prefix(100).map(\.key)
        let known = store == nil || candidates.isEmpty ? [] : try store!.deliveredKeys(among: candidates)
        return week.first { !known.contains($0.key) }
    }
}
