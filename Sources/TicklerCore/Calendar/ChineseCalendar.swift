import Synchronization

/// Conversions between the Chinese calendar (`lunar_birthday`) and Gregorian days.
///
/// Each Chinese year is read from Foundation once, as a `LunarYear` table, and kept by this value for
/// as long as its owner (a `Schedule`) keeps it; conversions are then table lookups, cheap enough for
/// every contact.
///
/// Foundation's Chinese calendar (ICU's astronomical computation at UTC+8) is checked for 1901–2099 against
/// an independent table (`Tests/TicklerCoreTests/Fixtures/chinese-calendar-1901-2099.csv`). They agree
/// except at six month boundaries, all at new moons within minutes of midnight: four before 1929, when
/// the calendar was reckoned at Beijing's local time rather than UTC+8, and two (2057, 2097) that no
/// prediction can settle yet. `ChineseCalendarTests` lists and pins them.
public final class ChineseCalendar: Sendable {
    /// The Gregorian years whose Chinese new year the calendar converts.
    public static let supportedYears = 1700...2400

    private let cache = Mutex<[Int: LunarYear]>([:])

    public init() {}

    /// The Chinese year whose new year lies in Gregorian `gregorianYear`, or `nil` outside `supportedYears`.
    public func year(startingIn gregorianYear: Int) -> LunarYear? {
        guard Self.supportedYears.contains(gregorianYear) else { return nil }
        if let cached = cache.withLock({ $0[gregorianYear] }) { return cached }
        // Built outside the lock (Foundation is slow): a race builds a year twice, never differently.
        guard let built = LunarYear.build(startingIn: gregorianYear) else { return nil }
        cache.withLock { $0[gregorianYear] = built }
        return built
    }

    /// The Gregorian day that `date` falls on in the Chinese year whose new year lies in `gregorianYear`.
    ///
    /// As the SPEC reads birthdays: a leap-month date in a year without that leap month falls on the
    /// ordinary month of that number, and day 30 of a month that has 29 days that year falls on day 29. A
    /// date of an ordinary month never falls in the leap month. `nil` for a month outside 1…12, a day
    /// outside 1…30, or a year outside `supportedYears`.
    public func gregorianDate(of date: LunarDate, inChineseYearStartingIn gregorianYear: Int) -> CivilDate? {
        guard (1...12).contains(date.month), (1...30).contains(date.day),
            let year = year(startingIn: gregorianYear)
        else { return nil }
        let month =
            year.months.first { $0.number == date.month && $0.isLeap && date.isLeapMonth }
            ?? year.months.first { $0.number == date.month && !$0.isLeap }
        guard let month else { return nil }
        return CivilDate(daysSinceEpoch: month.firstDay + min(date.day, month.length) - 1)
    }

    /// Every day of Gregorian `gregorianYear` that `date` falls on, in order: none, one or two (a date late
    /// in the 12th month can fall both in January and, a Chinese year later, in December).
    public func gregorianDates(of date: LunarDate, inGregorianYear gregorianYear: Int) -> [CivilDate] {
        [gregorianYear - 1, gregorianYear].compactMap { chineseYear in
            gregorianDate(of: date, inChineseYearStartingIn: chineseYear).flatMap {
                $0.year == gregorianYear ? $0 : nil
            }
        }
    }

    /// The Chinese month and day of a Gregorian day (`lunar.date` in templates); `nil` outside
    /// `supportedYears`.
    public func lunarDate(of day: CivilDate) -> LunarDate? {
        let target = day.daysSinceEpoch
        guard var year = year(startingIn: day.year) else { return nil }
        if target < year.months[0].firstDay {
            guard let previous = self.year(startingIn: day.year - 1) else { return nil }
            year = previous
        }
        guard let month = year.months.last(where: { $0.firstDay <= target }), target < year.endDay else {
            return nil
        }
        return LunarDate(month: month.number, day: target - month.firstDay + 1, isLeapMonth: month.isLeap)
    }

    /// Month names as printed on Chinese calendars: 正月 for the first, 冬月 and 腊月 for the 11th and 12th.
    static let monthNames = ["正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"]
    static let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

    /// The date as written on a Chinese calendar: `正月初一`, `闰四月十五`, `八月廿一`, `冬月三十`, `腊月廿九`.
    ///
    /// Months 1–10 are numbered (the first is 正月), the 11th and 12th are 冬月 and 腊月 (the usual names in
    /// mainland almanacs); a leap month is prefixed 闰. Days are 初一…初十, 十一…十九, 二十, 廿一…廿九, 三十.
    /// A month or day outside the calendar's range is written in digits (`13-40`), never trapping.
    public static func chineseName(of date: LunarDate) -> String {
        guard (1...12).contains(date.month), (1...30).contains(date.day) else { return date.description }
        let month = (date.isLeapMonth ? "闰" : "") + monthNames[date.month - 1] + "月"
        let day: String =
            switch date.day {
            case 1...10: "初" + digits[date.day]
            case 11...19: "十" + digits[date.day - 10]
            case 20: "二十"
            case 21...29: "廿" + digits[date.day - 20]
            default: "三十"
            }
        return month + day
    }
}
