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
        if let store, !scheduled.entries.isEmpty {
            scheduled.removeAll(keys: try store.deliveredKeys(among: scheduled.keys))
            // What became due for a day after its digest went out goes on its own.
            let digests = scheduled.digestKeysNotListed
            if !digests.isEmpty { scheduled.markGone(digests: try store.outboxKeys(among: Array(digests))) }
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

/// An owner or contact id the loaded configuration does not have, with the ids it has (for the
/// nearest one), as `upcoming --owner/--contact`, `history CONTACT` and the HTTP reads report it.
public struct UnknownID: Error, Sendable {
    /// `owner` or `contact`.
    public var what: String
    public var id: String
    /// The ids there are, in the order the nearest is looked for in.
    public var known: [String]

    /// `unknown contact 'acme-zhagn'`.
    public var message: String { "unknown \(what) \(QuotedToken(id))" }
    /// The known id closest to `id`, if it is a plausible typo.
    public var nearest: String? { Suggestion.nearest(to: id, in: known) }
}

extension ReportQueries {
    /// The index in `schedule.contacts` of the contact `id`.
    public static func contactIndex(_ id: String, in schedule: Schedule) throws(UnknownID) -> Int {
        let contacts = schedule.contacts
        if let index = contacts.firstIndex(where: { $0.id == id }) { return index }
        throw UnknownID(what: "contact", id: id, known: contacts.map(\.id))
    }

    /// The contacts an owner filter and a contact filter leave (both: those that match both), or
    /// `nil` for all when neither is given. An unknown owner is reported before an unknown contact.
    public static func contactFilter(owner: String?, contact: String?, schedule: Schedule, config: Config)
        throws(UnknownID) -> Set<Int32>?
    {
        guard owner != nil || contact != nil else { return nil }
        var kept: Set<Int32>?
        if let owner {
            guard config.owners[owner] != nil else {
                throw UnknownID(what: "owner", id: owner, known: config.owners.keys.sorted())
            }
            kept = schedule.contactIndices(ownedBy: owner)
        }
        if let contact {
            let only: Set<Int32> = [Int32(try contactIndex(contact, in: schedule))]
            kept = kept.map { $0.intersection(only) } ?? only
        }
        return kept
    }
}
