/// Holding back what goes to contacts who unsubscribed: a rule `to: contact` makes no occurrences
/// for a contact whose latest `unsubscribed` or `resubscribed` event is `unsubscribed` (owner and
/// manager reminders about them go on). The occurrences are still worked out, to be counted in
/// ``ScheduledOccurrences/heldBack``.
extension Schedule {
    /// The contacts whose reminders `to: contact` are held back, to look up by id; `nil` when no
    /// contact is unsubscribed, which then costs nothing per contact.
    func unsubscribedContacts(_ events: EventIndex) -> UnsubscribedContacts? {
        events.unsubscriptions.isEmpty ? nil : UnsubscribedContacts(events.unsubscriptions)
    }
}

/// The ids of unsubscribed contacts, looked up only for contacts that have occurrences (whose id is
/// at hand then, to be copied into the listing): by their bytes, without hashing a `String`, for up
/// to 4,096 of them (`ByteTable`), and in a dictionary past that.
struct UnsubscribedContacts: Sendable {
    private let table: ByteTable<Bool>?
    private let ids: [String: Event]

    init(_ ids: [String: Event]) {
        self.ids = ids
        guard ids.count <= 4096 else {
            table = nil
            return
        }
        var table = ByteTable<Bool>()
        for id in ids.keys { table.insert(id, true) }
        self.table = table
    }

    func contains(_ id: String) -> Bool {
        if let table { return table[id] != nil }
        return ids[id] != nil
    }
}
