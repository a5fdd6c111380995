import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// The shipped `etc/holidays/cn.yaml`, read by Tickler's own reader, against an independent record of
/// China's announced schedules: PyPI's `chinesecalendar` (which `bin/setup` installs into
/// `.build-python`). Every day of every year the file covers must agree on working day or day off.
@Suite struct ChinaHolidaysOracleTests {
    static let path = RepositoryRoot.path("etc/holidays/cn.yaml")

    static func calendar() throws -> HolidayCalendar {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let (calendar, diagnostics) = YAMLCalendarReader.parse(
            SourceText(path: "etc/holidays/cn.yaml", text: text), name: "cn")
        #expect(diagnostics.all.map(\.description) == [])
        return calendar
    }

    @Test func everyDayAgreesWithChineseCalendar() throws {
        try #require(VenvPython.isInstalled, "run bin/setup: it installs chinesecalendar into .build-python")
        let calendar = try Self.calendar()
        let start = try #require(calendar.coverageStart)
        let end = try #require(calendar.coverageEnd)
        #expect(start == CivilDate(year: 2004, month: 1, day: 1))
        let script = """
            import datetime, sys
            import chinese_calendar
            day = datetime.date.fromisoformat(sys.argv[1])
            end = datetime.date.fromisoformat(sys.argv[2])
            while day <= end:
                work = chinese_calendar.is_workday(day)
                _, name = chinese_calendar.get_holiday_detail(day)
                print(day.isoformat(), "work" if work else "off", "named" if name else "-")
                day += datetime.timedelta(days=1)
            """
        let output = try Subprocess.run(VenvPython.path, ["-c", script, start.description, end.description])
        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == end.daysSinceEpoch - start.daysSinceEpoch + 1)
        var disagreements: [String] = []
        for line in lines {
            let parts = line.split(separator: " ").map(String.init)
            let day = try #require(CivilDate.parse(parts[0])).daysSinceEpoch
            let work = calendar.isWorkday(day: day)
            // A named day off is a holiday of the file; a weekend day off is not.
            let named = calendar.isHoliday(day: day)
            if work != (parts[1] == "work") || named != (parts[2] == "named" && parts[1] == "off") {
                disagreements.append(
                    "\(parts[0]): Tickler \(work ? "work" : "off")\(named ? " (holiday)" : ""), "
                        + "chinesecalendar \(parts[1]) \(parts[2])")
            }
        }
        #expect(disagreements == [], "cn.yaml vs chinesecalendar")
    }

    @Test func theNationalDayOf2025HasItsMakeUpDays() throws {
        let calendar = try Self.calendar()
        func day(_ text: String) -> Int { CivilDate.parse(text)!.daysSinceEpoch }
        #expect(calendar.holidayName(onDay: day("2025-10-06")) == "国庆节、中秋节")
        #expect(calendar.isWorkday(day: day("2025-09-28")))  // a Sunday, worked
        #expect(calendar.isWorkday(day: day("2025-10-11")))  // a Saturday, worked
        #expect(!calendar.isWorkday(day: day("2025-10-08")))  // a Wednesday, off
        #expect(!calendar.isWorkday(day: day("2025-10-12")))  // an ordinary Sunday
        #expect(calendar.holidayName(onDay: day("2025-10-12")) == nil)
    }
}
