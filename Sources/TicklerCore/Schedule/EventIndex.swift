/// Events grouped by contact, each contact's in time order, for the triggers to look up.
///
/// The events are kept in one array, grouped by contact: a contact's events are a slice of it,
/// found through one dictionary look-up. Building it for 100,000 events takes a few milliseconds
/// (one dictionary entry per contact, no array per contact). The input may be in any order of
/// time; events of one contact at the same instant keep the order they are given in, which is the
/// store's (``unsubscription(of:)`` counts on it: the later of two at one instant wins).
public struct EventIndex: Sendable {
    /// Every event, grouped by contact; within a group by time, then in the order given.
    private var events: [Event] = []
    /// Where each contact's events are in `events`.
    private var groups: [String: Range<Int>] = [:]
    /// The contacts whose latest `unsubscribed` or `resubscribed` event is `unsubscribed`, with that
    /// event: a few, found as the index is built, so that the schedule looks up only these.
    public private(set) var unsubscriptions: [String: Event] = [:]

    /// - Parameter events: in the order the store holds them (`StateStore.unorderedEvents()` and
    ///   `StateStore.events(afterSequence:)` give them so), or any order when no two events of a
    ///   contact share an instant.
    public init(_ events: [Event]) {
        // Number the contacts by first appearance and count their events; then place each event
        // in its contact's part of the array.
        var numbers: [String: Int] = [:]
        numbers.reserveCapacity(events.count)
        var counts: [Int] = []
        var groupOf: [Int] = []
        groupOf.reserveCapacity(events.count)
        var subscriptionGroups = Set<Int>()
        for event in events {
            let number: Int
            if let known = numbers[event.contact] {
                number = known
                counts[number] += 1
            } else {
                number = counts.count
                numbers[event.contact] = number
                counts.append(1)
            }
            groupOf.append(number)
            if Self.isSubscriptionType(event.type) { subscriptionGroups.insert(number) }
        }
        var starts: [Int] = []
        starts.reserveCapacity(counts.count)
        var total = 0
        for count in counts {
            starts.append(total)
            total += count
        }
        var next = starts
        var order = [Int](repeating: 0, count: events.count)
        for (position, number) in groupOf.enumerated() {
            order[next[number]] = position
            next[number] += 1
        }
        // Each group by time; positions in the input break ties, so the sort keeps the given order.
        for (number, count) in counts.enumerated() where count > 1 {
            order[starts[number]..<(starts[number] + count)].sort { a, b in
                events[a].at != events[b].at ? events[a].at < events[b].at : a < b
            }
        }
        let grouped = order.map { events[$0] }
        self.events = grouped
        groups = numbers.mapValues { starts[$0]..<(starts[$0] + counts[$0]) }
        for number in subscriptionGroups {
            let group = grouped[starts[number]..<(starts[number] + counts[number])]
            guard let latest = group.last(where: { Self.isSubscriptionType($0.type) }),
                latest.type == Event.unsubscribedType
            else { continue }
            unsubscriptions[latest.contact] = latest
        }
    }

    private static func isSubscriptionType(_ type: String) -> Bool {
        type == Event.unsubscribedType || type == Event.resubscribedType
    }

    public static let empty = EventIndex([])

    /// A contact's events, oldest first.
    public func events(of contact: String) -> [Event] { Array(slice(of: contact)) }

    /// A contact's events, oldest first, without copying them.
    func slice(of contact: String) -> ArraySlice<Event> {
        guard !groups.isEmpty, let range = groups[contact] else { return [] }
        return events[range]
    }

    /// The event at `position` in the index's storage (the indices of `slice(of:)` are positions).
    public func event(at position: Int) -> Event { events[position] }

    /// The event that unsubscribed a contact, when its latest `unsubscribed` or `resubscribed` event
    /// (by time, then in the store's order) is `unsubscribed`; `nil` for a contact who gets messages.
    public func unsubscription(of contact: String) -> Event? {
        unsubscriptions.isEmpty ? nil : unsubscriptions[contact]
    }

    /// The latest event of a contact whose type is in `types` (any type when `nil`).
    public func latest(of contact: String, types: [String]?) -> Event? {
        let events = slice(of: contact)
        guard let types else { return events.last }
        return events.last { types.contains($0.type) }
    }
}
