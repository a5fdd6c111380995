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

    enum CodingKeys: String, CodingKey {
        case seq, id, contact, type, at, note
        case recordedAt = "recorded_at"
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
