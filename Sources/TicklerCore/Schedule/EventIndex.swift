/// Events grouped by contact, each contact's in time order, for the triggers to look up.
public struct EventIndex: Sendable {
    private var byContact: [String: [Event]] = [:]

    public init(_ events: [Event]) {
        for event in events { byContact[event.contact, default: []].append(event) }
        for key in byContact.keys {
            byContact[key]!.sort { $0.at != $1.at ? $0.at < $1.at : $0.id < $1.id }
        }
    }

    public static let empty = EventIndex([])

    /// A contact's events, oldest first.
    public func events(of contact: String) -> [Event] { byContact[contact] ?? [] }

    /// The latest event of a contact whose type is in `types` (any type when `nil`).
    public func latest(of contact: String, types: [String]?) -> Event? {
        guard let events = byContact[contact] else { return nil }
        guard let types else { return events.last }
        return events.last { types.contains($0.type) }
    }
}
