import Foundation

/// One year of the Chinese calendar as a table: the Gregorian day of its new year and its 12 or 13 months
/// in order, each with its number, leap flag, first day and length (29 or 30 days).
///
/// Built from Foundation's `Calendar(identifier: .chinese)` by asking it about month boundaries only
/// (about 26 conversions a year); `ChineseCalendar` caches one table per year.
public struct LunarYear: Sendable, Hashable {
    /// One month of the year.
    public struct Month: Sendable, Hashable {
        /// 1…12; a leap month carries the number of the month it follows.
        public var number: Int
        public var isLeap: Bool
        /// Days since 1970-01-01 of the month's first day.
        public var firstDay: Int
        /// 29 or 30.
        public var length: Int

        public init(number: Int, isLeap: Bool, firstDay: Int, length: Int) {
            self.number = number
            self.isLeap = isLeap
            self.firstDay = firstDay
            self.length = length
        }
    }

    /// The Gregorian year the new year (month 1, day 1) falls in.
    public let gregorianYear: Int
    /// The months in order (12 or 13, never empty), the leap month right after the month whose number it
    /// carries.
    public let months: [Month]

    init(gregorianYear: Int, months: [Month]) {
        self.gregorianYear = gregorianYear
        self.months = months
    }

    /// The Gregorian day of the new year.
    public var newYear: CivilDate { CivilDate(daysSinceEpoch: months[0].firstDay) }

    /// The number of the leap month, or `nil` in a year of 12 months.
    public var leapMonth: Int? { months.first(where: \.isLeap)?.number }

    /// Days since 1970-01-01 of the day after the year's last day (the next new year).
    public var endDay: Int { months[months.count - 1].firstDay + months[months.count - 1].length }

    /// Reads the Chinese year whose new year lies in Gregorian `year` from Foundation; `nil` if Foundation's
    /// answers do not form a year (never seen for 1700…2400).
    static func build(startingIn year: Int) -> LunarYear? {
        var calendar = Calendar(identifier: .chinese)
        guard let utc = TimeZone(identifier: "UTC") else { return nil }
        calendar.timeZone = utc
        func lunar(_ day: Int) -> (month: Int, day: Int, isLeap: Bool)? {
            // Noon UTC, well inside the day in any reading of it.
            let date = Date(timeIntervalSince1970: Double(day) * 86_400 + 43_200)
            let parts = calendar.dateComponents([.month, .day, .isLeapMonth], from: date)
            guard let month = parts.month, let dayOfMonth = parts.day else { return nil }
            return (month, dayOfMonth, parts.isLeapMonth ?? false)
        }
        /// The first day of the month after the one starting on `start`.
        func nextMonthStart(after start: Int) -> Int? {
            guard let probe = lunar(start + 29) else { return nil }
            return probe.day == 1 ? start + 29 : start + 30
        }
        // The new year falls between January 21 and February 20: find the month 1 that begins in that span.
        let january21 = Timestamp.daysFromCivil(year: year, month: 1, day: 21)
        guard let first = lunar(january21) else { return nil }
        var start = january21 - (first.day - 1)
        var startInfo = (month: first.month, isLeap: first.isLeap)
        var steps = 0
        while !(startInfo.month == 1 && !startInfo.isLeap) {
            guard steps < 3, let next = nextMonthStart(after: start), let info = lunar(next) else { return nil }
            start = next
            startInfo = (info.month, info.isLeap)
            steps += 1
        }
        var months: [Month] = []
        while true {
            guard months.count < 13, let next = nextMonthStart(after: start), let info = lunar(next), info.day == 1
            else { return nil }
            months.append(
                Month(number: startInfo.month, isLeap: startInfo.isLeap, firstDay: start, length: next - start))
            if info.month == 1 && !info.isLeap { break }
            start = next
            startInfo = (info.month, info.isLeap)
        }
        guard months.count >= 12, CivilDate(daysSinceEpoch: months[0].firstDay).year == year else { return nil }
        return LunarYear(gregorianYear: year, months: months)
    }
}
