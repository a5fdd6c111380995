import Synchronization
import TicklerCore
import TicklerInput

/// The three ways `tickler upcoming` shows occurrences: a table for people, JSON for programs, and
/// an iCalendar feed for calendar applications.
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

    /// The names of the contacts listed, by id: looked up once, when the table or the feed first
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

    /// Aligned columns (wide characters count two), local times of the recipient, relative days.
    public var table: String {
        guard !occurrences.isEmpty else { return "nothing due\n" }
        let header = ["DUE", "WHEN", "RULE", "CONTACT", "TO", "CHANNEL"]
        var rows = [header]
        for occurrence in occurrences {
            let local = Timestamp.format(occurrence.due, offset: occurrence.offset)
            let shown = String(local.prefix(16).map { $0 == "T" ? " " : $0 }) + " " + offsetLabel(occurrence.offset)
            rows.append([
                shown, relative(occurrence.due - now), occurrence.rule, contactColumn(occurrence),
                recipientLabel(occurrence) + (occurrence.digest.map { ", in \($0)" } ?? ""), occurrence.channel,
            ])
        }
        return TextTable.render(rows)
    }

    /// The contact, or for a digest how many items it carries.
    private func contactColumn(_ occurrence: Occurrence) -> String {
        guard case .digest(let items) = occurrence.detail else { return contactLabel(occurrence.contact) }
        return "\(items.count) \(items.count == 1 ? "item" : "items")"
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

    private func offsetLabel(_ offset: Int) -> String {
        let text = Timestamp.format(0, offset: offset)
        return offset == 0 ? "UTC" : String(text.suffix(6))
    }

    /// `in 3 days`, `in 5 hours`, `in 20 minutes`, `now`.
    func relative(_ seconds: Int64) -> String {
        func count(_ value: Int64, _ unit: String) -> String { "in \(value) \(unit)\(value == 1 ? "" : "s")" }
        if seconds < 60 { return "now" }
        if seconds < 3_600 { return count(seconds / 60, "minute") }
        if seconds < 86_400 { return count(seconds / 3_600, "hour") }
        return count(seconds / 86_400, "day")
    }

    /// Text safe on one table line: control characters, line separators and bidirectional overrides
    /// (which would reorder the rest of the line on screen) written as escapes, as `event list` does.
    static func printable(_ text: String) -> String {
        QuotedToken.escaped(text)
    }
}
