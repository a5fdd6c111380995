/// Working-day arithmetic over a calendar that may be absent: without one, Monday to Friday are the
/// working days and no day is a holiday.
extension HolidayCalendar {
    /// Whether `day` (days since 1970-01-01, ISO weekday `weekday`) is a working day in `calendar`.
    @inlinable
    public static func isWorkday(_ day: Int, weekday: Int, in calendar: HolidayCalendar?) -> Bool {
        guard let calendar else { return weekday <= 5 }
        return calendar.isWorkday(day: day)
    }

    /// The `count`th working day after `day` (days since 1970-01-01) in `calendar`; for a count of 0,
    /// `day` itself when it is a working day, else the next one. (`3wd` after a Friday event is the
    /// next Wednesday; across 国庆 with its make-up Saturday, that Saturday counts.)
    public static func workday(_ count: Int, after day: Int, in calendar: HolidayCalendar?) -> Int {
        var current = day
        var remaining = count
        if remaining == 0 {
            while !isWorkday(current, weekday: CivilDate.weekday(ofDay: current), in: calendar),
                current - day < 366
            {
                current += 1
            }
            return current
        }
        // A calendar with no working day at all would never end: a year of days off is the most.
        var scanned = 0
        while remaining > 0, scanned < 366 {
            current += 1
            if isWorkday(current, weekday: CivilDate.weekday(ofDay: current), in: calendar) {
                remaining -= 1
                scanned = 0
            } else {
                scanned += 1
            }
        }
        return current
    }
}
