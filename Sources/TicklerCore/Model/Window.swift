/// `window:` — when reminders may go out, in the recipient's zone: `"09:00-18:00 mon-fri"`.
///
/// Several spans may be given (`"09:00-12:00,14:00-18:00 mon-fri"`, or a list of such strings). A span
/// whose end is not after its start crosses midnight (`"22:00-06:00"`), and its days name the day it
/// starts on. Without days a span applies every day. The end is exclusive: 18:00 is outside `09:00-18:00`.
/// The days may also be `workdays` or `holidays`, read in the recipient's calendar.
public struct Window: Sendable, Hashable, CustomStringConvertible {
    public struct Span: Sendable, Hashable {
        public var start: TimeOfDay
        public var end: TimeOfDay
        /// ISO weekdays the span starts on: 1 = Monday … 7 = Sunday (unused with `calendarDays`).
        public var weekdays: Set<Int> { Set((1...7).filter { weekdayBits & 1 << $0 != 0 }) }
        /// `weekdays` as bits (bit n for weekday n): a span holds nothing to count references of,
        /// and a look-up is a shift.
        @usableFromInline
        var weekdayBits: UInt8
        /// `workdays` or `holidays`: the span starts on the days the recipient's calendar says, not
        /// on weekdays.
        public var calendarDays: CalendarDays?

        public init(start: TimeOfDay, end: TimeOfDay, weekdays: Set<Int>, calendarDays: CalendarDays? = nil) {
            self.start = start
            self.end = end
            weekdayBits = calendarDays == nil ? weekdays.reduce(0) { $0 | 1 << UInt8($1 & 7) } : 0
            self.calendarDays = calendarDays
        }

        public var crossesMidnight: Bool { end <= start }

        /// Whether the span starts on `day` (days since 1970-01-01), in `calendar` (none: Monday to
        /// Friday are working days and no day is a holiday).
        @inlinable
        public func starts(onDay day: Int, weekday: Int, calendar: HolidayCalendar?) -> Bool {
            switch calendarDays {
            case nil: weekdayBits & 1 << UInt8(weekday & 7) != 0
            case .workdays: HolidayCalendar.isWorkday(day, weekday: weekday, in: calendar)
            case .holidays: calendar?.isHoliday(day: day) ?? false
            }
        }
    }

    /// The day lists that follow a calendar rather than the weekdays.
    public enum CalendarDays: String, Sendable, Hashable, CaseIterable {
        /// Monday–Friday that are not holidays, and make-up working days (调休).
        case workdays
        /// The holidays.
        case holidays
    }

    /// Whether a span follows the recipient's calendar (`workdays` or `holidays`).
    public var followsCalendar: Bool { spans.contains { $0.calendarDays != nil } }

    /// How far past an instant the next opening may lie: a week for weekday spans, longer when a
    /// span waits for a working day (China's longest run of days off is 9) or a holiday (a year).
    public var maximumDeferral: Int64 {
        let days: Int64 =
            if spans.contains(where: { $0.calendarDays == .holidays }) {
                370
            } else if followsCalendar {
                21
            } else {
                8
            }
        return days * 86_400
    }

    public static let weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    public var spans: [Span]
    /// The text as written, for messages.
    public var text: String

    public init(spans: [Span], text: String) {
        self.spans = spans
        self.text = text
    }

    public var description: String { text }

    /// A problem in a window's text, at a scalar offset within it.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
        public var offset: Int
        public var note: String
    }

    /// Parses one window string (`"09:00-12:00,13:00-18:00 mon-fri,sun"`).
    public static func parse(_ text: String) -> Result<[Span], ParseError> {
        let scalars = Array(text.unicodeScalars)
        var words: [(text: String, offset: Int)] = []
        var index = 0
        while index < scalars.count {
            while index < scalars.count, scalars[index] == " " { index += 1 }
            let start = index
            while index < scalars.count, scalars[index] != " " { index += 1 }
            if index > start { words.append((String(String.UnicodeScalarView(scalars[start..<index])), start)) }
        }
        let format =
            "write a window as 'HH:MM-HH:MM' ranges (comma-separated) and optional days, e.g. '09:00-18:00 mon-fri'"
        guard let rangesWord = words.first else {
            return .failure(ParseError(message: "empty window", offset: 0, note: format))
        }
        guard words.count <= 2 else {
            return .failure(
                ParseError(message: "unexpected '\(words[2].text)' in window", offset: words[2].offset, note: format))
        }
        var weekdays = Set(1...7)
        var calendarDays: CalendarDays?
        if words.count == 2 {
            if let days = CalendarDays(rawValue: words[1].text.lowercased()) {
                calendarDays = days
            } else {
                switch parseDays(words[1].text) {
                case .success(let days): weekdays = days
                case .failure(let error):
                    return .failure(
                        ParseError(message: error.message, offset: words[1].offset + error.offset, note: error.note))
                }
            }
        }
        var spans: [Span] = []
        var offset = rangesWord.offset
        for range in rangesWord.text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let start = TimeOfDay.parse(bounds[0]),
                let end = TimeOfDay.parse(bounds[1], allowMidnightEnd: true)
            else {
                return .failure(
                    ParseError(message: "invalid time range '\(range)' in window", offset: offset, note: format))
            }
            guard start != end else {
                return .failure(
                    ParseError(
                        message: "empty time range '\(range)' in window", offset: offset,
                        note: "a range needs an end different from its start; for all day write '00:00-24:00'"))
            }
            spans.append(Span(start: start, end: end, weekdays: weekdays, calendarDays: calendarDays))
            offset += range.unicodeScalars.count + 1
        }
        return .success(spans)
    }

    private static func parseDays(_ text: String) -> Result<Set<Int>, ParseError> {
        var days = Set<Int>()
        var offset = 0
        let note =
            "days are \(weekdayNames.joined(separator: " ")), as a list 'mon,wed,fri' or a range 'mon-fri'; or one of"
            + " 'workdays' (working days of the recipient's calendar) and 'holidays'"
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false).map { $0.lowercased() }
            var numbers: [Int] = []
            var endOffset = offset
            for end in ends {
                guard let number = weekdayNames.firstIndex(of: end) else {
                    if CalendarDays(rawValue: end) != nil {
                        return .failure(
                            ParseError(
                                message: "'\(end)' cannot be combined with other days in window", offset: endOffset,
                                note: "write '\(end)' alone as the window's days, e.g. '09:00-18:00 \(end)'"))
                    }
                    var message = "unknown day '\(end)' in window"
                    if let match = Suggestion.nearest(to: end, in: weekdayNames + CalendarDays.allCases.map(\.rawValue))
                    {
                        message += "; did you mean '\(match)'?"
                    }
                    return .failure(ParseError(message: message, offset: endOffset, note: note))
                }
                numbers.append(number + 1)
                endOffset += end.unicodeScalars.count + 1
            }
            guard numbers.count <= 2 else {
                return .failure(
                    ParseError(message: "invalid day range '\(item)' in window", offset: offset, note: note))
            }
            if numbers.count == 1 {
                days.insert(numbers[0])
            } else {
                var day = numbers[0]
                days.insert(day)
                while day != numbers[1] {  // a range may wrap: 'sat-mon' is sat, sun, mon
                    day = day % 7 + 1
                    days.insert(day)
                }
            }
            offset += item.unicodeScalars.count + 1
        }
        return .success(days)
    }
}
