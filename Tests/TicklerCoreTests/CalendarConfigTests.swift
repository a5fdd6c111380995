import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerInput

/// `calendars:`, `calendar:`, the fixed dates of festival rules, `workdays` windows and `wd` delays,
/// as `tickler.yaml` writes them.
@Suite struct CalendarConfigTests {
    func diagnostics(_ text: String) -> [String] {
        let (_, diagnostics) = ConfigParser.parse(SourceText(path: "etc/tickler.yaml", text: text), zones: systemZones)
        return diagnostics.sorted.flatMap { $0.description.split(separator: "\n").map(String.init) }
    }

    static let base = """
        timezone: Asia/Shanghai
        calendars: { cn: holidays/cn.yaml, office: ../office.ics }
        calendar: cn
        owners:
          li.na: { name: 李娜, calendar: office }
        channels:
          outbox: { type: file, path: out }

        """

    @Test func fixedDatesWindowsAndDelaysAreRead() throws {
        let (parsed, diagnostics) = ConfigParser.parse(
            SourceText(
                path: "etc/tickler.yaml",
                text: Self.base + """
                    rules:
                      - { name: a, date: '12-25', to: contact, channel: outbox, template: t }
                      - { name: b, date: 'lunar 12-30', to: contact, channel: outbox, template: t }
                      - { name: c, date: 'lunar L04-15', to: contact, channel: outbox, template: t }
                      - { name: d, date: 'term QingMing', to: contact, channel: outbox, template: t }
                      - { name: e, after: complaint, delay: 3wd, window: '09:00-18:00 workdays', to: owner, channel: outbox, template: t }
                      - { name: f, date: birthday, window: '10:00-12:00 holidays', to: owner, channel: outbox, template: t }
                    """), zones: systemZones)
        #expect(diagnostics.all.map(\.description) == [])
        let config = try #require(parsed)
        #expect(config.calendarFiles.mapValues(\.path) == ["cn": "etc/holidays/cn.yaml", "office": "office.ics"])
        #expect(config.calendar == "cn")
        #expect(config.owners["li.na"]?.calendar == "office")
        let fields = config.rules.compactMap { rule -> String? in
            guard case .date(let trigger) = rule.trigger else { return nil }
            return "\(trigger.field)"
        }
        #expect(fields == ["12-25", "lunar 12-30", "lunar L04-15", "term qingming", "birthday"])
        guard case .after(let after) = config.rules[4].trigger else {
            Issue.record("rule e is not an after rule")
            return
        }
        #expect(after.delay == TimeSpan(3, .workdays))
        #expect(config.rules[4].window?.spans.map { $0.calendarDays } == [Window.CalendarDays.workdays])
        #expect(config.rules[5].window?.spans.map { $0.calendarDays } == [Window.CalendarDays.holidays])
    }

    @Test func mistakesNameTheirPlaceAndTheFix() {
        #expect(
            diagnostics(
                Self.base.replacingOccurrences(
                    of: "calendar: office }", with: "calendar: office }\n  wang: { name: 王, calendar: ofice }")
                        + """
                        rules:
                          - { name: a, date: 'term qinming', to: contact, channel: outbox, template: t }
                          - { name: b, date: 'lunar 13-01', to: contact, channel: outbox, template: t }
                          - { name: c, date: '02-30', to: contact, channel: outbox, template: t }
                          - { name: d, date: 'term dongzhi', feb29: mar1, to: contact, channel: outbox, template: t }
                          - { name: e, after: x, delay: 1d, repeat: 2wd, to: owner, channel: outbox, template: t }
                          - { name: f, after: x, window: '09:00-18:00 workdays,sat', to: owner, channel: outbox, template: t }
                          - { name: g, after: x, window: '09:00-18:00 workday', to: owner, channel: outbox, template: t }
                        """) == [
                    "etc/tickler.yaml:6:30: error: unknown calendar 'ofice' for owner 'wang'",
                    "etc/tickler.yaml:6:30: note: did you mean 'office'?",
                    "etc/tickler.yaml:6:30: note: calendars: cn, office",
                    "etc/tickler.yaml:10:28: error: unknown solar term 'qinming' in rule 'a'",
                    "etc/tickler.yaml:10:28: note: did you mean 'qingming'?",
                    "etc/tickler.yaml:10:28: note: the 24 terms in pinyin: xiaohan dahan lichun yushui jingzhe chunfen qingming guyu lixia xiaoman mangzhong xiazhi xiaoshu dashu liqiu chushu bailu qiufen hanlu shuangjiang lidong xiaoxue daxue dongzhi",
                    "etc/tickler.yaml:11:29: error: invalid lunar date '13-01' in rule 'b'",
                    "etc/tickler.yaml:11:29: note: there is no lunar month 13; months run from 01 to 12",
                    "etc/tickler.yaml:11:29: note: e.g. 'lunar 01-01' for 春节, 'lunar 08-15' for 中秋",
                    "etc/tickler.yaml:12:23: error: invalid date '02-30' in rule 'c'",
                    "etc/tickler.yaml:12:23: note: February has at most 29 days",
                    "etc/tickler.yaml:12:23: note: a fixed date is 'MM-DD', e.g. '12-25' for Christmas",
                    "etc/tickler.yaml:13:38: error: 'feb29' does not apply to 'term dongzhi' in rule 'd'",
                    "etc/tickler.yaml:13:38: note: a solar term falls on its own day each year",
                    "etc/tickler.yaml:14:45: error: working days ('2wd') do not apply to 'repeat' in rule 'e'",
                    "etc/tickler.yaml:14:45: note: only an 'after' rule's 'delay' counts working days; write '2d' for calendar days",
                    "etc/tickler.yaml:15:47: error: 'workdays' cannot be combined with other days in window",
                    "etc/tickler.yaml:15:47: note: write 'workdays' alone as the window's days, e.g. '09:00-18:00 workdays'",
                    "etc/tickler.yaml:16:47: error: unknown day 'workday' in window; did you mean 'workdays'?",
                    "etc/tickler.yaml:16:47: note: days are mon tue wed thu fri sat sun, as a list 'mon,wed,fri' or a range 'mon-fri'; or one of 'workdays' (working days of the recipient's calendar) and 'holidays'",
                ])
    }

    @Test func aCalendarFileMustBeYAMLOrICalendar() {
        #expect(
            diagnostics(
                """
                timezone: Asia/Shanghai
                calendars: { cn: holidays/cn.txt }
                calendar: us
                """) == [
                    "etc/tickler.yaml:2:18: error: calendar 'cn' is neither a .yaml nor an .ics file: 'holidays/cn.txt'",
                    "etc/tickler.yaml:2:18: note: a YAML calendar lists holidays and make-up working days; an .ics file's all-day events are holidays",
                    "etc/tickler.yaml:3:11: error: unknown calendar 'us' for the configuration",
                    "etc/tickler.yaml:3:11: note: name the calendar's file under 'calendars:', e.g. 'calendars: { cn: holidays/cn.yaml }'",
                ])
    }
}
