import TicklerCore

extension ConfigParser.Builder {
    /// `calendars: { cn: holidays/cn.yaml, office: holidays/office.ics }`: each name and its file,
    /// resolved against the configuration's directory. The files are read by the workspace loader.
    mutating func parseCalendars() -> [String: SourcePath] {
        var files: [String: SourcePath] = [:]
        for (name, _, value) in namedEntries("calendars", nameRule: Names.owner) {
            guard let path = value.scalar, !value.isNull, !path.isEmpty else {
                diagnostics.error(
                    "calendar '\(name)' must name a file, not \(value.kindDescription)", at: value.location,
                    notes: [.init("write 'calendars: { \(name): holidays/\(name).yaml }' (a .yaml or .ics file)")])
                continue
            }
            guard CalendarFileFormat(path: path) != nil else {
                diagnostics.error(
                    "calendar '\(name)' is neither a .yaml nor an .ics file: '\(path)'",
                    at: value.location(atScalarOffset: 0),
                    notes: [
                        .init(
                            "a YAML calendar lists holidays and make-up working days; an .ics file's all-day events are holidays"
                        )
                    ])
                continue
            }
            files[name] = SourcePath(path: resolve(path), location: value.location(atScalarOffset: 0))
        }
        return files
    }

    /// `calendar: NAME` in `map` (the top level or an owner), checked against `calendars:`.
    mutating func calendarName(in map: MappingReader, calendars: [String: SourcePath], context: String) -> String? {
        guard let (text, node) = map.string("calendar", diagnostics: &diagnostics) else { return nil }
        guard calendars[text] == nil else { return text }
        let known = calendars.keys.sorted()
        diagnostics.error(
            "unknown calendar '\(text)' for \(context)", at: node.location(atScalarOffset: 0),
            notes: Suggestion.note(for: text, in: known) + [
                .init(
                    known.isEmpty
                        ? "name the calendar's file under 'calendars:', e.g. 'calendars: { cn: holidays/cn.yaml }'"
                        : "calendars: \(known.joined(separator: ", "))")
            ])
        return nil
    }
}

/// How a calendar file is read, by its extension.
public enum CalendarFileFormat: Sendable {
    case yaml
    case iCalendar

    public init?(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            self = .yaml
        } else if lower.hasSuffix(".ics") {
            self = .iCalendar
        } else {
            return nil
        }
    }
}
