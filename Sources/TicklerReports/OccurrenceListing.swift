import Synchronization
import TicklerCore
import TicklerInput

/// Occurrences as JSON for programs and as an iCalendar feed for calendar applications (the table
/// for people, and `upcoming`'s JSON, are written from the entries: `OccurrenceTable`, `OccurrenceJSON`).
public struct OccurrenceListing: Sendable {
    public let occurrences: [Occurrence]
    public let workspace: Workspace
    public let now: Int64
    private let nameCache = NameCache()

    public init(_ occurrences: [Occurrence], workspace: Workspace, now: Int64) {
        self.occurrences = occurrences
        self.workspace = workspace
        self.now = now
    }

    /// The names of the contacts listed, by id: looked up once, when the feed first
    /// needs them (JSON does not, and a million contacts take a while to go through).
    private var names: [String: String] {
        nameCache.names {
            let wanted = Set(occurrences.map(\.contact))
            var names: [String: String] = [:]
            let contacts = workspace.contacts
            for index in contacts.indices where wanted.contains(contacts[index].id) {
                if let name = contacts[index].name { names[contacts[index].id] = name }
            }
            return names
        }
    }

    private final class NameCache: Sendable {
        private let cached = Mutex<[String: String]?>(nil)

        func names(_ make: () -> [String: String]) -> [String: String] {
            if let names = cached.withLock({ $0 }) { return names }
            let names = make()
            cached.withLock { $0 = names }
            return names
        }
    }

    /// The SPEC's JSON: an array of `{key, rule, contact, to, recipient, channel, due}`, `due` in
    /// RFC 3339 with the recipient's UTC offset.
    public var json: String { OccurrenceJSON.render(occurrences) }

    /// An RFC 5545 feed, one event per occurrence (UID = key).
    public var iCalendar: String {
        let entries = occurrences.map { occurrence in
            let contact = contactColumn(occurrence)
            var description = "To \(recipientLabel(occurrence)) via \(occurrence.channel)\nKey: \(occurrence.key)"
            if let digest = occurrence.digest { description += "\nIn: \(digest)" }
            if case .digest(let items) = occurrence.detail {
                description += "\nItems:\n" + items.map(\.key).joined(separator: "\n")
            }
            return ICalendarFeed.Entry(
                uid: occurrence.key, start: occurrence.due, summary: "\(occurrence.rule): \(contact)",
                description: description)
        }
        return ICalendarFeed.render(entries, stamp: now)
    }

    /// The contact, or for a digest how many items it carries.
    private func contactColumn(_ occurrence: Occurrence) -> String {
        guard case .digest(let items) = occurrence.detail else { return contactLabel(occurrence.contact) }
        return OccurrenceTable.itemCount(items.count)
    }

    private func contactLabel(_ id: String) -> String {
        guard let name = names[id] else { return id }
        return "\(Self.printable(name)) (\(id))"
    }

    private func recipientLabel(_ occurrence: Occurrence) -> String {
        switch occurrence.to {
        case .contact: return "contact"
        case .owner, .manager:
            let name = workspace.config.owners[occurrence.recipient]?.name ?? occurrence.recipient
            return "\(occurrence.to.rawValue) \(Self.printable(name))"
        }
    }

    /// Text safe on one table line: control characters, line separators and bidirectional overrides
    /// (which would reorder the rest of the line on screen) written as escapes, as `event list` does.
    static func printable(_ text: String) -> String {
        QuotedToken.escaped(text)
    }
}
