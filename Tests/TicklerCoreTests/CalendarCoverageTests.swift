import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

@Suite struct CalendarCoverageTests {
    static func warnings(today: String, rules: String, calendars: Bool = true) throws -> [String] {
        let fixture = try ScheduleFixture(
            rules: rules, contacts: "[]", owners: "owners:\n  li.na: { name: 李娜 }",
            calendars: calendars ? [("cn", "holidays:\n  - { date: 2026-10-01, until: 2026-10-08, name: 国庆节 }")] : [])
        var found = Diagnostics()
        CalendarCoverage.check(
            fixture.workspace.config, today: try #require(CivilDate.parse(today)), diagnostics: &found)
        return found.sorted.map(\.description)
    }

    static let workdayRule = "  - { name: r, after: x, delay: 3wd, to: owner, channel: out, template: t }"

    @Test func aCalendarEndingWithin90DaysIsWarnedAbout() throws {
        #expect(try Self.warnings(today: "2026-09-01", rules: Self.workdayRule) == [])
        #expect(
            try Self.warnings(today: "2026-10-03", rules: Self.workdayRule) == [
                "t.yaml:9:7: warning: calendar 'cn' ends on 2026-12-31, before the next 90 days do; rule 'r' counts working days on it\n"
                    + "t.yaml:9:7: note: after 2026-12-31 only Saturdays and Sundays are days off in 'cn.yaml'\n"
                    + "t.yaml:9:7: note: add the next year's holidays and make-up working days as soon as they are announced"
            ])
    }

    @Test func onlyRulesThatCountWorkingDaysCare() throws {
        let plain =
            "  - { name: r, after: x, delay: 3d, window: '09:00-18:00 mon-fri', to: owner, channel: out, template: t }"
        #expect(try Self.warnings(today: "2026-12-01", rules: plain) == [])
        let window = "  - { name: w, after: x, window: '09:00-18:00 workdays', to: owner, channel: out, template: t }"
        #expect(try Self.warnings(today: "2026-12-01", rules: window).count == 1)
    }

    @Test func workingDaysWithoutAnyCalendarAreWarnedAbout() throws {
        #expect(
            try Self.warnings(today: "2026-12-01", rules: Self.workdayRule, calendars: false) == [
                "t.yaml:7:7: warning: rule 'r' counts working days, but no calendar is chosen for its recipients\n"
                    + "t.yaml:7:7: note: without a calendar every Monday to Friday is a working day, holidays included\n"
                    + "t.yaml:7:7: note: add 'calendars: { cn: holidays/cn.yaml }' and 'calendar: cn' (top level or per owner)"
            ])
    }
}
