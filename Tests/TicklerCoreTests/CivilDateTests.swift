import Foundation
import Testing
import TicklerCore

@Suite struct CivilDateTests {
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (2000, 2, 29, 11_016), (2027, 3, 14, 20_891), (1900, 1, 1, -25_567),
        (2100, 3, 1, 47_541), (1600, 3, 1, -135_080),
    ])
    func daysSinceEpochRoundTrip(year: Int, month: Int, day: Int, days: Int) {
        let date = CivilDate(year: year, month: month, day: day)
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    @Test(arguments: [
        ("1970-01-01", 4), ("2027-03-14", 7), ("2027-03-15", 1), ("2024-02-29", 4), ("1969-12-28", 7),
        ("1969-12-29", 1), ("2000-01-01", 6),
    ])
    func weekdaysAreISO(text: String, weekday: Int) throws {
        #expect(try #require(CivilDate.parse(text)).weekday == weekday)
    }

    @Test(arguments: [
        ("2027-01-03", -7, "2026-12-27"), ("2024-02-28", 1, "2024-02-29"), ("2023-02-28", 1, "2023-03-01"),
        ("2024-12-31", 1, "2025-01-01"), ("2025-03-01", -1, "2025-02-28"), ("2027-03-14", 0, "2027-03-14"),
        ("2027-03-14", 366, "2028-03-14"),
    ])
    func addingDaysCrossesMonthsAndYears(start: String, days: Int, end: String) throws {
        #expect(try #require(CivilDate.parse(start)).adding(days: days).description == end)
    }

    @Test(arguments: [(2024, true), (2023, false), (2000, true), (1900, false), (2100, false), (2400, true)])
    func leapYearsFollowTheGregorianRule(year: Int, isLeap: Bool) {
        #expect(CivilDate.isLeapYear(year) == isLeap)
        #expect(CivilDate.daysInMonth(2, year: year) == (isLeap ? 29 : 28))
    }

    @Test func monthLengths() {
        #expect(
            (1...12).map { CivilDate.daysInMonth($0, year: 2027) } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    }

    @Test(arguments: ["2027-03-14", "2024-02-29", "0001-01-01", "9999-12-31"])
    func parsesAndPrintsValidDates(text: String) throws {
        #expect(try #require(CivilDate.parse(text)).description == text)
    }

    @Test(arguments: [
        "2027-02-29", "2027-13-01", "2027-00-10", "2027-04-31", "2027-3-14", "27-03-14", "2027/03/14", "2027-03-14 ",
        "", "2027-03-1x", "２０２７-03-14",
    ])
    func rejectsMalformedOrNonexistentDates(text: String) {
        #expect(CivilDate.parse(text) == nil)
    }

    @Test func ordersChronologically() throws {
        let dates = try ["2027-03-14", "2026-12-31", "2027-01-01", "2027-03-02"].map {
            try #require(CivilDate.parse($0))
        }
        #expect(dates.sorted().map(\.description) == ["2026-12-31", "2027-01-01", "2027-03-02", "2027-03-14"])
    }

    /// Every day from 1900 to 2200 against Foundation's Gregorian calendar: the day count, the date and the
    /// weekday.
    @Test func agreesWithFoundationForThreeCenturies() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for days in stride(from: -25_567, through: 84_000, by: 1) {
            let date = CivilDate(daysSinceEpoch: days)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            guard date.year == parts.year, date.month == parts.month, date.day == parts.day,
                date.weekday == ((parts.weekday ?? 0) + 5) % 7 + 1, date.daysSinceEpoch == days
            else {
                Issue.record("day \(days): \(date) weekday \(date.weekday) vs \(parts)")
                return
            }
        }
    }
}
