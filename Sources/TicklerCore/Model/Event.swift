/// An interaction or request recorded for a contact: a purchase, a call, a callback request…
public struct Event: Sendable, Hashable, Codable {
    /// Assigned by the store or given in an import file; part of `after` rules' occurrence keys.
    public var id: String
    public var contact: String
    /// Lowercase words joined by hyphens (`callback-requested`).
    public var type: String
    /// When it happened, in seconds since 1970-01-01T00:00:00Z.
    public var at: Int64
    public var note: String?

    public init(id: String, contact: String, type: String, at: Int64, note: String? = nil) {
        self.id = id
        self.contact = contact
        self.type = type
        self.at = at
        self.note = note
    }
}

extension Event {
    /// The type of event an unsubscribe link records: from then on no rule sends `to: contact` for
    /// that contact (owner and manager reminders go on), until a later `resubscribed`.
    public static let unsubscribedType = "unsubscribed"
    /// The type of event that undoes an earlier `unsubscribed`.
    public static let resubscribedType = "resubscribed"
}

/// An event to import: an ``Event`` whose id may be left for the store to assign.
public struct ImportedEvent: Sendable, Hashable {
    /// The id the import file gave; `nil` lets the store assign one.
    public var id: String?
    public var contact: String
    public var type: String
    /// Seconds since the epoch.
    public var at: Int64
    public var note: String?

    public init(id: String? = nil, contact: String, type: String, at: Int64, note: String? = nil) {
        self.id = id
        self.contact = contact
        self.type = type
        self.at = at
        self.note = note
    }

    public init(_ event: Event) {
        self.init(id: event.id, contact: event.contact, type: event.type, at: event.at, note: event.note)
    }
}
