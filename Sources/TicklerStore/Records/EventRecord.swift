import GRDB
import TicklerCore

/// A row of `events`.
struct EventRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "events"

    /// The order events were stored in; `nil` before insertion lets SQLite number it.
    var seq: Int64?
    var id: String
    var contact: String
    var type: String
    /// When it happened, seconds since the epoch.
    var at: Int64
    var note: String?
    /// When it was stored, seconds since the epoch.
    var recordedAt: Int64
    /// `cli`, `import` or the name of the HTTP token that sent it; `nil` for events stored before
    /// sources were kept.
    var source: String?
    /// The sender's own id for the event (HTTP), unique per source.
    var senderID: String?

    init(
        seq: Int64?, id: String, contact: String, type: String, at: Int64, note: String?, recordedAt: Int64,
        source: String?, senderID: String? = nil
    ) {
        self.seq = seq
        self.id = id
        self.contact = contact
        self.type = type
        self.at = at
        self.note = note
        self.recordedAt = recordedAt
        self.source = source
        self.senderID = senderID
    }

    enum CodingKeys: String, CodingKey {
        case seq, id, contact, type, at, note, source
        case recordedAt = "recorded_at"
        case senderID = "sender_id"
    }

    enum Columns {
        static let seq = Column(CodingKeys.seq)
        static let id = Column(CodingKeys.id)
        static let contact = Column(CodingKeys.contact)
        static let type = Column(CodingKeys.type)
        static let at = Column(CodingKeys.at)
        static let note = Column(CodingKeys.note)
    }

    var event: Event {
        Event(id: id, contact: contact, type: type, at: at, note: note)
    }

    /// Whether `event` records the same thing (the id aside).
    func hasSameContent(as event: ImportedEvent) -> Bool {
        contact == event.contact && type == event.type && at == event.at && note == event.note
    }
}
