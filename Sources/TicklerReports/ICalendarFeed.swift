import TicklerCore
import TicklerInput

/// An iCalendar feed (RFC 5545) of occurrences: one VEVENT each, UID = the occurrence key, times
/// in UTC, lines folded at 75 octets (never inside a UTF-8 sequence) and ended with CRLF. A feed of
/// nothing holds a UTC VTIMEZONE instead, as a calendar must hold a component.
public enum ICalendarFeed {
    public struct Entry: Sendable {
        public var uid: String
        public var start: Int64
        public var summary: String
        public var description: String

        public init(uid: String, start: Int64, summary: String, description: String) {
            self.uid = uid
            self.start = start
            self.summary = summary
            self.description = description
        }
    }

    /// The whole feed; `stamp` is the DTSTAMP (when the feed was made).
    public static func render(_ entries: [Entry], stamp: Int64) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tickler//Tickler upcoming//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:Tickler",
        ]
        for entry in entries {
            lines += [
                "BEGIN:VEVENT",
                "UID:" + escape(entry.uid),
                "DTSTAMP:" + utc(stamp),
                "DTSTART:" + utc(entry.start),
                "DURATION:PT15M",
                "SUMMARY:" + escape(entry.summary),
                "DESCRIPTION:" + escape(entry.description),
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
        }
        if entries.isEmpty {
            // RFC 5545 3.6: a calendar holds at least one component. With nothing due, a UTC time
            // zone (which no event refers to) keeps the empty feed valid for strict readers.
            lines += [
                "BEGIN:VTIMEZONE", "TZID:UTC", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0000",
                "TZOFFSETTO:+0000", "TZNAME:UTC", "END:STANDARD", "END:VTIMEZONE",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map { fold($0) + "\r\n" }.joined()
    }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, and line breaks as `\n`.
    static func escape(_ text: String) -> String {
        var result = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r": result += "\\n"
            case "\n": if !previousWasCR { result += "\\n" }
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `20261125T010000Z`.
    static func utc(_ instant: Int64) -> String {
        let text = Timestamp.format(instant, offset: 0)  // 2026-11-25T01:00:00Z
        return text.filter { $0 != "-" && $0 != ":" }
    }

    /// Splits a content line into 75-octet pieces, continuation lines starting with a space.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for scalar in line.unicodeScalars {
            let width = UTF8.width(scalar)
            let limit = pieces.isEmpty ? 75 : 74  // continuation lines start with one space
            if octets + width > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.unicodeScalars.append(scalar)
            octets += width
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }
}
