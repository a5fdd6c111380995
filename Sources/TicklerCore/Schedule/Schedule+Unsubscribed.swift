/// Holding back what goes to contacts who unsubscribed: a rule `to: contact` makes no occurrences
/// for a contact whose latest `unsubscribed` or `resubscribed` event is `unsubscribed` (owner and
/// manager reminders about them go on). The occurrences are still worked out, to be counted in
/// ``ScheduledOccurrences/heldBack``, and only for these contacts.
extension Schedule {
    /// The contacts, by index in `contacts`, whose reminders `to: contact` are held back (of those at
    /// `indices`, when given); `nil` when no contact is unsubscribed, which then costs nothing per
    /// contact.
    ///
    /// Without `indices`, every contact's id is looked up once, by its bytes and in parallel: a few
    /// milliseconds for a million contacts, once per listing rather than once per rule.
    func unsubscribedContacts(_ events: EventIndex, among indices: [Int]?) -> ContactSet? {
        let unsubscribed = events.unsubscriptions
        guard !unsubscribed.isEmpty else { return nil }
        var set = ContactSet(count: contacts.count)
        if let indices {
            for index in indices where unsubscribed[contacts[index].id] != nil { set.insert(index) }
            return set
        }
        var table = ByteTable<Bool>()
        let small = unsubscribed.count <= 4096  // what the table holds; more go through the dictionary
        if small { for id in unsubscribed.keys { table.insert(id, true) } }
        let lookup = table
        let slices = stride(from: 0, to: contacts.count, by: 16_384).map { $0..<min($0 + 16_384, contacts.count) }
        let found = lanes.map(slices) { slice -> [Int] in
            var found: [Int] = []
            contacts.withUnsafeBufferPointer { contacts in
                for index in slice {
                    let id = contacts[index].id
                    if small ? lookup[id] != nil : unsubscribed[id] != nil { found.append(index) }
                }
            }
            return found
        }
        for part in found { for index in part { set.insert(index) } }
        return set
    }
}

/// A set of contact indices as bits: a look-up per contact is a shift and a mask.
struct ContactSet: Sendable {
    private var words: [UInt64]

    init(count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    mutating func insert(_ index: Int) {
        words[index >> 6] |= 1 << UInt64(index & 63)
    }

    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }
}
