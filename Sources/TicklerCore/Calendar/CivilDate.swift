/// A day of the proleptic Gregorian calendar, with no time and no zone: `2027-03-14`.
///
/// Pure integer arithmetic on a day count since 1970-01-01 (the epoch's day 0), so it is cheap enough to
/// use for every contact and rule. Months and days are 1-based; `weekday` is ISO (1 = Monday … 7 = Sunday).
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A date from its parts, taken as given: check them with `isValid(year:month:day:)` or use
    /// `parse(_:)` when they come from input.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative for earlier days).
    public init(daysSinceEpoch: Int) {
        let (year, month, day) = Timestamp.civilFromDays(daysSinceEpoch)
        self.init(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int { Timestamp.daysFromCivil(year: year, month: month, day: day) }

    /// The date `days` calendar days later (earlier when negative).
    public func adding(days: Int) -> CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int { Self.weekday(ofDay: daysSinceEpoch) }

    /// The ISO weekday of a day given as days since 1970-01-01, without making its date.
    @inlinable
    public static func weekday(ofDay day: Int) -> Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let shifted = (day + 3) % 7
        return (shifted < 0 ? shifted + 7 : shifted) + 1
    }

    /// The first day of the date's year.
    public var startOfYear: CivilDate { CivilDate(year: year, month: 1, day: 1) }

    public var description: String {
        var text = String(year)
        if (0..<1000).contains(year) { text = String(repeating: "0", count: 4 - text.count) + text }
        return text + (month < 10 ? "-0" : "-") + "\(month)" + (day < 10 ? "-0" : "-") + "\(day)"
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Whether `year` has a February 29 (Gregorian rule: every 4th year, except centuries not divisible by 400).
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in `month` (1…12) of `year`.
    public static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether the parts name a day that exists.
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && day <= daysInMonth(month, year: year)
    }

    /// Parses `YYYY-MM-DD` (exactly four, two and two ASCII digits); `nil` for anything else or a day that
    /// does not exist (`2027-02-29`).
    public static func parse(_ text: some StringProtocol) -> CivilDate? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            isValid(year: year, month: month, day: day)
        else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }
}
