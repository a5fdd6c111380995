/// A calendar of days off: named holidays (a day, or a range of days) and make-up working days (调休,
/// weekend days that are worked in exchange for a longer holiday), read from a file named under
/// `calendars:`.
///
/// Look-ups by day are O(1): the days the data speaks for are kept in one dense table, built once.
public struct HolidayCalendar: Sendable, Hashable {
    /// One holiday: a name and the days it spans, both ends included.
    public struct Holiday: Sendable, Hashable {
        public var name: String
        public var first: CivilDate
        public var last: CivilDate

        public init(name: String, first: CivilDate, last: CivilDate) {
            self.name = name
            self.first = first
            self.last = last
        }
    }

    /// Its key under `calendars:`.
    public var name: String { storage.name }
    /// The file it was read from, as written in the configuration.
    public var path: String { storage.path }
    public var holidays: [Holiday] { storage.holidays }
    /// The make-up working days, in order.
    public var workdays: [CivilDate] { storage.workdays }

    /// Everything in one object, so that a copy (one per contact and rule while a schedule is
    /// computed, on every core at once) costs one reference count rather than one per array.
    private let storage: Storage

    private final class Storage: Sendable {
        let name: String
        let path: String
        let holidays: [Holiday]
        let workdays: [CivilDate]
        /// Days since 1970-01-01 of the first day of `table`.
        let tableStart: Int
        /// By day from `tableStart`: 0 an ordinary day, -1 a make-up working day, n > 0 a holiday
        /// (the name at `names[n - 1]`).
        let table: [Int32]
        let names: [String]

        init(
            name: String, path: String, holidays: [Holiday], workdays: [CivilDate], tableStart: Int, table: [Int32],
            names: [String]
        ) {
            self.name = name
            self.path = path
            self.holidays = holidays
            self.workdays = workdays
            self.tableStart = tableStart
            self.table = table
            self.names = names
        }
    }

    /// Builds the table. Where a day is both a holiday and a make-up working day (a checked file
    /// never says so), the make-up working day wins; where holidays overlap, the later one's name.
    public init(name: String, path: String, holidays: [Holiday], workdays: [CivilDate]) {
        let holidays = holidays.sorted { $0.first < $1.first }
        let workdays = workdays.sorted()
        let days =
            holidays.flatMap { [$0.first.daysSinceEpoch, $0.last.daysSinceEpoch] } + workdays.map(\.daysSinceEpoch)
        var table: [Int32] = []
        var names: [String] = []
        var tableStart = 0
        if let first = days.min(), let last = days.max(), last - first < 100 * 366 {
            table = [Int32](repeating: 0, count: last - first + 1)
            var numbers: [String: Int32] = [:]
            for holiday in holidays where holiday.first <= holiday.last {
                let number =
                    numbers[holiday.name]
                    ?? {
                        names.append(holiday.name)
                        numbers[holiday.name] = Int32(names.count)
                        return Int32(names.count)
                    }()
                for day in holiday.first.daysSinceEpoch...holiday.last.daysSinceEpoch {
                    table[day - first] = number
                }
            }
            for day in workdays {
                table[day.daysSinceEpoch - first] = -1
            }
            tableStart = first
        }
        storage = Storage(
            name: name, path: path, holidays: holidays, workdays: workdays, tableStart: tableStart, table: table,
            names: names)
    }

    public static func == (a: HolidayCalendar, b: HolidayCalendar) -> Bool {
        a.storage === b.storage
            || (a.name == b.name && a.path == b.path && a.holidays == b.holidays && a.workdays == b.workdays)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(path)
        hasher.combine(holidays)
        hasher.combine(workdays)
    }

    private func entry(_ day: Int) -> Int32 {
        let index = day - storage.tableStart
        return index >= 0 && index < storage.table.count ? storage.table[index] : 0
    }

    /// The name of the holiday `day` (days since 1970-01-01) falls in, or `nil`.
    public func holidayName(onDay day: Int) -> String? {
        let number = entry(day)
        return number > 0 ? storage.names[Int(number) - 1] : nil
    }

    /// Whether `day` is a holiday.
    public func isHoliday(day: Int) -> Bool { entry(day) > 0 }

    /// Whether `day` is a make-up working day.
    public func isMakeUpWorkday(day: Int) -> Bool { entry(day) < 0 }

    /// Whether `day` is a working day: Monday to Friday and not a holiday, or a make-up working day.
    public func isWorkday(day: Int) -> Bool {
        let number = entry(day)
        if number != 0 { return number < 0 }
        return CivilDate.weekday(ofDay: day) <= 5
    }

    /// The first day the data speaks for: January 1 of the earliest year a holiday or a make-up
    /// working day falls in; `nil` for an empty calendar.
    public var coverageStart: CivilDate? {
        guard !storage.table.isEmpty else { return nil }
        return CivilDate(year: CivilDate(daysSinceEpoch: storage.tableStart).year, month: 1, day: 1)
    }

    /// The last day the data speaks for: December 31 of the latest year a holiday or a make-up
    /// working day falls in (schedules are announced a year at a time); `nil` for an empty calendar.
    public var coverageEnd: CivilDate? {
        guard !storage.table.isEmpty else { return nil }
        let last = storage.tableStart + storage.table.count - 1
        return CivilDate(year: CivilDate(daysSinceEpoch: last).year, month: 12, day: 31)
    }
}
