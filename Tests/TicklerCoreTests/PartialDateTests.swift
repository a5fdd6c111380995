import Testing

@testable import TicklerCore
@testable import TicklerInput

@Suite struct PartialDateTests {
    @Test(arguments: [
        ("1980-03-14", PartialDate(year: 1980, month: 3, day: 14)),
        ("--03-14", PartialDate(year: nil, month: 3, day: 14)),
        ("1988-02-29", PartialDate(year: 1988, month: 2, day: 29)),
        ("2000-02-29", PartialDate(year: 2000, month: 2, day: 29)),
        ("--02-29", PartialDate(year: nil, month: 2, day: 29)),
        ("1800-01-01", PartialDate(year: 1800, month: 1, day: 1)),
        ("2200-12-31", PartialDate(year: 2200, month: 12, day: 31)),
    ])
    func readsFullAndYearlessDates(text: String, expected: PartialDate) throws {
        #expect(try PartialDate.parse(text).get() == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: [
        ("1985-02-30", "February 1985 has 28 days"),
        ("1985-02-29", "February 1985 has 28 days"),
        ("1900-02-29", "February 1900 has 28 days"),
        ("2024-02-30", "February 2024 has 29 days"),
        ("--02-30", "February has at most 29 days"),
        ("1980-04-31", "April 1980 has 30 days"),
        ("--11-31", "November has 30 days"),
        ("1980-13-01", "there is no month 13; months run from 01 to 12"),
        ("--00-10", "there is no month 00; months run from 01 to 12"),
        ("1980-03-00", "there is no day 00; days start at 01"),
        ("1799-12-31", "year 1799 is out of range; a year must lie between 1800 and 2200"),
        ("0980-03-14", "year 0980 is out of range; a year must lie between 1800 and 2200"),
        ("1980-3-14", "write the month and the day with two digits, e.g. '1980-03-04'"),
        ("03-14", "a date without a year is written '--MM-DD', e.g. '--03-14'"),
        ("1980/03/14", "write the date as 'YYYY-MM-DD' (e.g. '1980-03-14'), or '--MM-DD' when the year is not known"),
        ("19800314", "write the date as 'YYYY-MM-DD' (e.g. '1980-03-14'), or '--MM-DD' when the year is not known"),
        ("", "write the date as 'YYYY-MM-DD' (e.g. '1980-03-14'), or '--MM-DD' when the year is not known"),
    ])
    func explainsWhatIsWrongWithADate(text: String, reason: String) {
        #expect(PartialDate.parse(text) == .failure(DateParseError(reason)))
    }

    @Test(arguments: [
        ("19800314", PartialDate(year: 1980, month: 3, day: 14)),
        ("1980-03-14", PartialDate(year: 1980, month: 3, day: 14)),
        ("--0314", PartialDate(year: nil, month: 3, day: 14)),
        ("--03-14", PartialDate(year: nil, month: 3, day: 14)),
        ("19800314T000000Z", PartialDate(year: 1980, month: 3, day: 14)),
        ("1980-03-14T08:30:00+08:00", PartialDate(year: 1980, month: 3, day: 14)),
        ("--0229", PartialDate(year: nil, month: 2, day: 29)),
    ])
    func readsEveryVCardDateForm(text: String, expected: PartialDate) throws {
        #expect(try PartialDate.parseVCard(text).get() == expected)
    }

    @Test(arguments: [
        ("19850230", "February 1985 has 28 days"),
        ("--0230", "February has at most 29 days"),
        ("1985", "a date needs a month and a day, not only a year or a month"),
        ("1985-04", "a date needs a month and a day, not only a year or a month"),
        (
            "circa 1800",
            "write the date as 'YYYYMMDD' or 'YYYY-MM-DD' (e.g. '19800314'), or '--MMDD' when the year is not known"
        ),
    ])
    func explainsWhatIsWrongWithAVCardDate(text: String, reason: String) {
        #expect(PartialDate.parseVCard(text) == .failure(DateParseError(reason)))
    }

    @Test func countsDaysInMonthsWithAndWithoutYear() {
        #expect(PartialDate.days(inMonth: 2, year: nil) == 29)
        #expect(PartialDate.days(inMonth: 2, year: 1992) == 29)
        #expect(PartialDate.days(inMonth: 2, year: 2100) == 28)
        #expect(PartialDate.days(inMonth: 9, year: 2026) == 30)
        #expect(PartialDate.days(inMonth: 12, year: 2026) == 31)
    }
}

@Suite struct LunarDateTests {
    @Test(arguments: [
        ("08-15", LunarDate(month: 8, day: 15, isLeapMonth: false)),
        ("L04-15", LunarDate(month: 4, day: 15, isLeapMonth: true)),
        ("01-01", LunarDate(month: 1, day: 1, isLeapMonth: false)),
        ("12-30", LunarDate(month: 12, day: 30, isLeapMonth: false)),
    ])
    func readsMonthAndDayWithOptionalLeapMonth(text: String, expected: LunarDate) throws {
        #expect(try LunarDate.parse(text).get() == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: [
        ("l04-15", "a leap month is written with a capital 'L', e.g. 'L04-15'"),
        ("13-01", "there is no lunar month 13; months run from 01 to 12"),
        ("L00-10", "there is no lunar month 00; months run from 01 to 12"),
        ("08-00", "there is no day 00; days start at 01"),
        ("08-31", "a lunar month has at most 30 days"),
        ("8-15", "write the month and the day with two digits, e.g. '08-05'"),
        ("L4-15", "write the month and the day with two digits, e.g. '08-05'"),
        ("1980-08-15", "a lunar birthday has no year; write only the month and the day, e.g. '08-15'"),
        ("--08-15", "a lunar date is written without '--', e.g. '08-15'"),
        ("八月十五", "write a lunar date as 'MM-DD' (e.g. '08-15'), with 'L' before a leap month (e.g. 'L04-15')"),
        ("08/15", "write a lunar date as 'MM-DD' (e.g. '08-15'), with 'L' before a leap month (e.g. 'L04-15')"),
    ])
    func explainsWhatIsWrongWithALunarDate(text: String, reason: String) {
        #expect(LunarDate.parse(text) == .failure(DateParseError(reason)))
    }
}
