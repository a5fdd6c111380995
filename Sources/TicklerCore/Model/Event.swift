/// An interaction or request recorded for a contact: a purchase, a call, a callback request…
public struct Event: Sendable, Hashable {
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
