import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct CalendarReaderTests {
    static let fixtures = RepositoryRoot.path("Tests/TicklerCoreTests/Fixtures/calendars")

    static func yaml(_ text: String) -> (HolidayCalendar, [String]) {
        let (calendar, diagnostics) = YAMLCalendarReader.parse(SourceText(path: "h.yaml", text: text), name: "h")
        return (calendar, diagnostics.sorted.map(\.description))
    }

    @Test func aYAMLCalendarHasRangesSingleDaysAndMakeUpDays() {
        let (calendar, diagnostics) = Self.yaml(
            """
            holidays:
              - { date: 2026-10-01, until: 2026-10-08, name: 国庆节 }
              - { date: 2026-06-19, name: 端午节 }
            workdays: [2026-09-20, 2026-10-10]
            """)
        #expect(diagnostics == [])
        func day(_ text: String) -> Int { CivilDate.parse(text)!.daysSinceEpoch }
        #expect(calendar.holidayName(onDay: day("2026-10-08")) == "国庆节")
        #expect(calendar.holidayName(onDay: day("2026-10-09")) == nil)
        #expect(calendar.holidayName(onDay: day("2026-06-19")) == "端午节")
        #expect(calendar.isWorkday(day: day("2026-09-20")))  // a Sunday
        #expect(!calendar.isWorkday(day: day("2026-10-05")))  // a Monday in the holiday
        #expect(calendar.isWorkday(day: day("2026-10-09")))  // an ordinary Friday
        #expect(!calendar.isWorkday(day: day("2026-10-11")))  // an ordinary Sunday
        #expect(calendar.coverageStart == CivilDate(year: 2026, month: 1, day: 1))
        #expect(calendar.coverageEnd == CivilDate(year: 2026, month: 12, day: 31))
    }

    @Test func mistakesInAYAMLCalendarAreReportedWhereTheyAre() {
        let (_, diagnostics) = Self.yaml(
            """
            holidays:
              - { date: 2026-10-01, until: 2026-09-08, name: 国庆节 }
              - { date: 2026-06-19 }
              - { date: 2026-02-30, name: x }
              - { date: 2026-05-01, untill: 2026-05-05, name: 劳动节 }
              - { date: 2026-01-01, until: 2026-01-03, name: 元旦 }
              - { date: 2026-01-03, name: 元旦补 }
            workdays: [2026-01-02, 2026-09-20, 2026-09-20]
            """)
        #expect(
            diagnostics == [
                "h.yaml:2:32: error: 'until' 2026-09-08 is before 'date' 2026-10-01\n"
                    + "h.yaml:2:32: note: 'until' is the holiday's last day, included",
                "h.yaml:3:5: error: a holiday is missing 'name'\n"
                    + "h.yaml:3:5: note: templates show it as 'holiday.name', e.g. 'name: 国庆节'",
                "h.yaml:4:13: error: invalid date '2026-02-30' for 'date' in the calendar\n"
                    + "h.yaml:4:13: note: write a date as YYYY-MM-DD, e.g. '2026-10-01'",
                "h.yaml:5:25: error: unknown key 'untill' in a holiday\nh.yaml:5:25: note: did you mean 'until'?",
                "h.yaml:7:5: error: holiday '元旦补' overlaps '元旦' on 2026-01-03\n"
                    + "h.yaml:6:5: note: each day belongs to one holiday; '元旦' is here",
                "h.yaml:8:12: error: 2026-01-02 is both a make-up working day and part of holiday '元旦'\n"
                    + "h.yaml:6:5: note: the holiday is written here",
                "h.yaml:8:36: error: make-up working day 2026-09-20 is listed twice\n"
                    + "h.yaml:8:24: note: first listed here",
            ])
    }

    /// Google's and Outlook's exports, read by Tickler and by Debian's `python3-icalendar`: the same
    /// all-day events, with the same days and names.
    @Test(arguments: ["google.ics", "outlook.ics"])
    func iCalendarExportsReadAsPythonsIcalendarReadsThem(_ file: String) throws {
        let path = Self.fixtures + "/" + file
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (calendar, _) = ICSCalendarReader.parse(SourceText(path: file, text: text), name: "office")
        let script = """
            import datetime, sys, icalendar
            calendar = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
            for event in calendar.walk("VEVENT"):
                start = event.decoded("DTSTART")
                if isinstance(start, datetime.datetime):
                    continue
                end = event.decoded("DTEND") if event.get("DTEND") else start + datetime.timedelta(days=1)
                print(start.isoformat(), (end - datetime.timedelta(days=1)).isoformat(), str(event.get("SUMMARY")))
            """
        let output = try Subprocess.run(DebianPython.path, ["-c", script, path])
        let expected = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init).sorted()
        #expect(!expected.isEmpty)
        #expect(calendar.holidays.map { "\($0.first) \($0.last) \($0.name)" }.sorted() == expected)
    }

    @Test func timedAndRecurringEventsAreNamedNotGuessed() throws {
        let path = Self.fixtures + "/google.ics"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (calendar, diagnostics) = ICSCalendarReader.parse(SourceText(path: "google.ics", text: text), name: "g")
        #expect(
            diagnostics.sorted.map(\.description) == [
                "google.ics:31:1: warning: event '季度复盘会' is not an all-day event: it is not a holiday\n"
                    + "google.ics:31:1: note: only all-day events (DTSTART;VALUE=DATE:YYYYMMDD) are read as holidays"
            ])
        #expect(
            calendar.holidayName(onDay: CivilDate(year: 2026, month: 10, day: 13).daysSinceEpoch) == "团建, 杭州两日游（周一至周二）")
        let recurring = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:20260501
            RRULE:FREQ=YEARLY
            SUMMARY:Labour Day
            END:VEVENT
            BEGIN:VEVENT
            DTSTART;VALUE=DATE:2026050
            SUMMARY:Broken
            END:VEVENT
            END:VCALENDAR
            """
        let (_, more) = ICSCalendarReader.parse(SourceText(path: "r.ics", text: recurring), name: "r")
        #expect(
            more.sorted.map(\.description) == [
                "r.ics:4:1: warning: event 'Labour Day' repeats (RRULE), and repetitions are not read: only 2026-05-01 is a holiday\n"
                    + "r.ics:4:1: note: list each year's holiday as its own event, as calendar apps export announced holidays",
                "r.ics:8:1: error: invalid DTSTART '2026050' of event 'Broken'\n"
                    + "r.ics:8:1: note: an all-day event starts 'DTSTART;VALUE=DATE:20261001'",
            ])
        let (_, notICS) = ICSCalendarReader.parse(SourceText(path: "n.ics", text: "holidays: []"), name: "n")
        #expect(
            notICS.sorted.map(\.description).first
                == "n.ics:1:1: error: 'n.ics' is not an iCalendar file: it has no 'BEGIN:VCALENDAR'\n"
                + "n.ics:1:1: note: export the calendar as .ics from your calendar app, or write a YAML calendar")
    }
}
