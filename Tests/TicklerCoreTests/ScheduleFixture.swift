import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// Builds a schedule from configuration and contact YAML text, as the loader would.
struct ScheduleFixture {
    let schedule: Schedule
    let workspace: Workspace

    /// - Parameter calendars: calendar files by name (YAML text); the first is the configuration's
    ///   `calendar:`, and owners may name any with `calendar:`.
    init(
        rules: String, contacts: String, owners: String = ScheduleFixture.owners, timezone: String = "Asia/Shanghai",
        calendars: [(name: String, yaml: String)] = []
    ) throws {
        let calendarLines =
            calendars.isEmpty
            ? ""
            : "calendars: { " + calendars.map { "\($0.name): \($0.name).yaml" }.joined(separator: ", ") + " }\n"
                + "calendar: \(calendars[0].name)\n"
        let text = """
            timezone: \(timezone)
            \(calendarLines)\(owners)
            channels:
              out: { type: file, path: out }
            rules:
            \(rules)
            """
        let (parsed, diagnostics) = ConfigParser.parse(SourceText(path: "t.yaml", text: text), zones: systemZones)
        #expect(diagnostics.all.map(\.description) == [])
        var config = try #require(parsed)
        for (name, yaml) in calendars {
            let (calendar, calendarDiagnostics) = YAMLCalendarReader.parse(
                SourceText(path: "\(name).yaml", text: yaml), name: name)
            #expect(calendarDiagnostics.all.map(\.description) == [])
            config.calendars[name] = calendar
        }
        let (contacts, contactDiagnostics) = ContactsParser.parse(
            SourceText(path: "c.yaml", text: contacts),
            context: ContactsContext(owners: Set(config.owners.keys), zones: systemZones))
        #expect(contactDiagnostics.all.map(\.description) == [])
        workspace = Workspace(config: config, contacts: contacts, templates: [:], zones: systemZones)
        schedule = Schedule(config: config, contacts: contacts, zones: systemZones)
    }

    static let owners = """
        owners:
          li.na: { name: 李娜, email: li.na@example.com, manager: boss }
          ny: { name: Nora, timezone: America/New_York, manager: boss }
          boss: { name: 王强, timezone: Europe/London }
        """

    /// `(key, due as RFC 3339 at the recipient's offset)` of every occurrence in [from, from + days).
    func due(from: String, days: Int = 366, events: [Event] = [], firstSeen: FirstSeenTimes = [:]) throws
        -> [String]
    {
        let start = try #require(Timestamp.parse(from))
        let history = Schedule.History(events: EventIndex(events), firstSeen: firstSeen)
        return schedule.occurrences(in: start..<(start + Int64(days) * 86_400), history: history, now: start).map {
            "\($0.key) \(Timestamp.format($0.due, offset: $0.offset))"
        }
    }

    static func event(_ id: String, _ contact: String, _ type: String, _ at: String, note: String? = nil) -> Event {
        Event(id: id, contact: contact, type: type, at: Timestamp.parse(at)!, note: note)
    }
}
