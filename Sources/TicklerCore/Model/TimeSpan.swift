/// A duration as written in the configuration: `30s`, `30m`, `2h`, `3d`, `2w`, and `3wd` (working
/// days, for `delay` only).
///
/// The unit is kept: `3d` in `before:` means three calendar days back, not 72 hours; `3wd` is
/// counted on the recipient's calendar, not in seconds.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Unit: String, Sendable, Hashable, CaseIterable {
        case seconds = "s"
        case minutes = "m"
        case hours = "h"
        case days = "d"
        case weeks = "w"
        /// Working days: Monday–Friday that are not holidays, and make-up working days.
        case workdays = "wd"

        public var seconds: Int64 {
            switch self {
            case .seconds: 1
            case .minutes: 60
            case .hours: 3_600
            case .days: 86_400
            case .weeks: 604_800
            // At least a day; what it is depends on the calendar (`HolidayCalendar.workday`).
            case .workdays: 86_400
            }
        }
    }

    public var value: Int64
    public var unit: Unit

    public init(_ value: Int64, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// The span in seconds (a day as 86,400 s: for calendar arithmetic use `calendarDays`; a working
    /// day as at least a day).
    public var seconds: Int64 { value * unit.seconds }

    /// Whole calendar days for `d` and `w` spans; `nil` for shorter units.
    public var calendarDays: Int64? {
        switch unit {
        case .days: value
        case .weeks: value * 7
        default: nil
        }
    }

    public var description: String { "\(value)\(unit.rawValue)" }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.seconds < rhs.seconds }

    /// Parses `30m` (and `3wd`); `nil` for anything else. Accepts 0 and values up to 100 years.
    public static func parse(_ text: String) -> TimeSpan? {
        let unit: Unit
        let digits: Substring
        if text.hasSuffix("wd") {
            unit = .workdays
            digits = text.dropLast(2)
        } else {
            guard let last = text.last, let parsed = Unit(rawValue: String(last)) else { return nil }
            unit = parsed
            digits = text.dropLast()
        }
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let value = Int64(digits), value * unit.seconds <= 100 * 366 * 86_400
        else { return nil }
        return TimeSpan(value, unit)
    }
}

/// A wall-clock time of day, `HH:MM`.
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    public init(hour: Int, minute: Int) {
        self.hour = hour
        self.minute = minute
    }

    /// Minutes since midnight (0…1440; 1440 only for a window's `24:00` end).
    public var minutes: Int { hour * 60 + minute }

    public var description: String {
        (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }

    public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { lhs.minutes < rhs.minutes }

    /// Parses `HH:MM` (`9:00` too); `24:00` only when `allowMidnightEnd`.
    public static func parse(_ text: some StringProtocol, allowMidnightEnd: Bool = false) -> TimeOfDay? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1]), minute < 60
        else { return nil }
        if hour == 24, minute == 0, allowMidnightEnd { return TimeOfDay(hour: 24, minute: 0) }
        guard hour < 24 else { return nil }
        return TimeOfDay(hour: hour, minute: minute)
    }
}
