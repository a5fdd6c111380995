import TicklerCore

/// Reads an iCalendar file (RFC 5545) as a holiday calendar: every all-day event (`DTSTART;VALUE=DATE`,
/// `DTEND` exclusive, one day without it) is a holiday named by its `SUMMARY`. Files exported by
/// Outlook, Google Calendar or Apple's Calendar read as they are: CRLF or LF lines, folded lines, a
/// byte-order mark, `VTIMEZONE` blocks and `X-` properties, parameters in any order.
///
/// Timed events are not holidays: each is skipped with a warning at its line. Recurring events
/// (`RRULE`) are not expanded: their first occurrence is read, with a warning.
public enum ICSCalendarReader {
    /// One content line's name (in capitals), parameters, value, and where it starts.
    struct Property {
        var name: String
        var parameters: [String: String]
        var value: String
        var location: SourceLocation
    }

    public static func parse(_ source: SourceText, name: String) -> (
        calendar: HolidayCalendar, diagnostics: Diagnostics
    ) {
        var diagnostics = Diagnostics()
        let path = source.path
        var holidays: [HolidayCalendar.Holiday] = []
        var event: [Property]?
        var sawCalendar = false
        for line in properties(source.text, path: path) {
            switch (line.name, line.value.uppercased()) {
            case ("BEGIN", "VCALENDAR"): sawCalendar = true
            case ("BEGIN", "VEVENT"): event = []
            case ("END", "VEVENT"):
                if let lines = event, let holiday = holiday(lines, path: path, diagnostics: &diagnostics) {
                    holidays.append(holiday)
                }
                event = nil
            default: event?.append(line)
            }
        }
        if !sawCalendar {
            diagnostics.error(
                "'\(path)' is not an iCalendar file: it has no 'BEGIN:VCALENDAR'", at: .file(path),
                notes: [.init("export the calendar as .ics from your calendar app, or write a YAML calendar")])
        }
        let calendar = HolidayCalendar(name: name, path: path, holidays: holidays, workdays: [])
        return (calendar, diagnostics)
    }

    /// The holiday of one `VEVENT`, or `nil` (with a diagnostic) when it is not an all-day event.
    private static func holiday(_ lines: [Property], path: String, diagnostics: inout Diagnostics)
        -> HolidayCalendar.Holiday?
    {
        guard let start = lines.first(where: { $0.name == "DTSTART" }) else {
            diagnostics.error(
                "an event has no DTSTART", at: lines.first?.location ?? .file(path),
                notes: [.init("every VEVENT needs a start (RFC 5545 §3.6.1)")])
            return nil
        }
        let summary = lines.first { $0.name == "SUMMARY" }.map { unescape($0.value) } ?? ""
        let title = summary.isEmpty ? "an event" : "event '\(summary)'"
        guard let first = allDayDate(start) else {
            if isTimed(start) {
                diagnostics.warning(
                    "\(title) is not an all-day event: it is not a holiday",
                    at: start.location,
                    notes: [.init("only all-day events (DTSTART;VALUE=DATE:YYYYMMDD) are read as holidays")])
            } else {
                diagnostics.error(
                    "invalid DTSTART '\(start.value)' of \(title)",
                    at: start.location,
                    notes: [.init("an all-day event starts 'DTSTART;VALUE=DATE:20261001'")])
            }
            return nil
        }
        var last = first
        if let end = lines.first(where: { $0.name == "DTEND" }) {
            guard let exclusive = allDayDate(end), exclusive > first else {
                diagnostics.error(
                    "invalid DTEND '\(end.value)' of \(title)",
                    at: end.location,
                    notes: [.init("an all-day event ends on the day after its last, e.g. 'DTEND;VALUE=DATE:20261009'")])
                return nil
            }
            last = exclusive.adding(days: -1)
        }
        if let rule = lines.first(where: { $0.name == "RRULE" }) {
            diagnostics.warning(
                "\(title) repeats (RRULE), and repetitions are not read: only \(first) is a holiday",
                at: rule.location,
                notes: [.init("list each year's holiday as its own event, as calendar apps export announced holidays")])
        }
        return HolidayCalendar.Holiday(name: summary.isEmpty ? "holiday" : summary, first: first, last: last)
    }

    /// `DTSTART;VALUE=DATE:20261001` (or a bare 8-digit date) as a day.
    private static func allDayDate(_ line: Property) -> CivilDate? {
        if let kind = line.parameters["VALUE"], kind.uppercased() != "DATE" { return nil }
        let bytes = Array(line.value.utf8)
        guard bytes.count == 8, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        return CivilDate.parse("\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.suffix(2))")
    }

    private static func isTimed(_ line: Property) -> Bool {
        line.value.contains("T") && line.value.utf8.count >= 15
    }

    /// RFC 5545 §3.3.11: `\,` `\;` `\n` `\\` in text values.
    static func unescape(_ text: String) -> String {
        var result = ""
        var escaped = false
        for character in text {
            if escaped {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The content lines, unfolded as vCard's are (the two formats share RFC 5545 §3.1's folding), each
    /// split into name, parameters and value; a line without a colon is left out.
    static func properties(_ text: String, path: String) -> [Property] {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        return ContentLine.unfold(text, path: path).compactMap { line in
            guard let parts = line.parts() else { return nil }
            return Property(
                name: parts.name, parameters: parts.parameters, value: parts.value, location: line.location)
        }
    }
}
