import Testing

@testable import TicklerCore

/// Working days in the schedule, hand-worked on China's 2025 National Day (国庆节、中秋节 10-01 to
/// 10-08, make-up working days Sunday 09-28 and Saturday 10-11).
@Suite struct WorkingDayScheduleTests {
    typealias F = ScheduleFixture

    static let cn2025 = """
        holidays:
          - { date: 2025-10-01, until: 2025-10-08, name: 国庆节、中秋节 }
        workdays: [2025-09-28, 2025-10-11]
        """

    static let office = """
        holidays:
          - { date: 2025-10-03, name: Company day }
        """

    @Test func threeWorkingDaysAfterTheEveOfTheHolidayIsTheMakeUpSaturday() throws {
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 3wd, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }", calendars: [("cn", Self.cn2025)])
        // Tuesday 09-30 15:00: 10-01…10-08 off; 10-09 (1), 10-10 (2), Saturday 10-11 (3), at 15:00.
        let events = [F.event("e", "c", "complaint", "2025-09-30T15:00:00+08:00")]
        #expect(
            try fixture.due(from: "2025-09-30T00:00:00+08:00", days: 20, events: events) == [
                "r/c/e 2025-10-11T15:00:00+08:00"
            ])
    }

    @Test func workingDaysCountTheMakeUpSundayBeforeTheHoliday() throws {
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 2wd, at: '10:00', to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }", calendars: [("cn", Self.cn2025)])
        // Friday 09-26: Sunday 09-28 is worked (1), Monday 09-29 (2); at 10:00.
        let events = [F.event("e", "c", "complaint", "2025-09-26T18:30:00+08:00")]
        #expect(
            try fixture.due(from: "2025-09-26T00:00:00+08:00", days: 10, events: events) == [
                "r/c/e 2025-09-29T10:00:00+08:00"
            ])
    }

    @Test func withoutACalendarWorkingDaysAreMondayToFriday() throws {
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 3wd, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [F.event("e", "c", "complaint", "2025-09-30T15:00:00+08:00")]
        #expect(
            try fixture.due(from: "2025-09-30T00:00:00+08:00", days: 20, events: events) == [
                "r/c/e 2025-10-03T15:00:00+08:00"
            ])
    }

    @Test func zeroWorkingDaysIsTheEventsDayOrTheNextWorkingDay() throws {
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 0wd, at: '09:30', to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }", calendars: [("cn", Self.cn2025)])
        let events = [
            F.event("a", "c", "complaint", "2025-09-29T08:00:00+08:00"),
            F.event("b", "c", "complaint", "2025-10-04T08:00:00+08:00"),
        ]
        #expect(
            try fixture.due(from: "2025-09-29T00:00:00+08:00", days: 20, events: events) == [
                "r/c/a 2025-09-29T09:30:00+08:00", "r/c/b 2025-10-09T09:30:00+08:00",
            ])
    }

    @Test func workingDaysAreReadInTheRecipientsZoneAndCalendar() throws {
        // The owner in New York has the office calendar (10-03 off, no 国庆); the event at 09-30
        // 15:00 in Shanghai is 03:00 that day in New York: 10-01 (1), 10-02 (2), 10-06 (3), at 03:00.
        let owners = """
            owners:
              ny: { name: Nora, timezone: America/New_York, calendar: office }
            """
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 3wd, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: ny }", owners: owners,
            calendars: [("cn", Self.cn2025), ("office", Self.office)])
        let events = [F.event("e", "c", "complaint", "2025-09-30T15:00:00+08:00")]
        #expect(
            try fixture.due(from: "2025-09-29T00:00:00Z", days: 20, events: events) == [
                "r/c/e 2025-10-06T03:00:00-04:00"
            ])
    }

    @Test func naggingInAWorkdaysWindowSkipsTheHolidayAndResumesOnTheMakeUpSaturday() throws {
        let fixture = try F(
            rules: """
                  - name: r
                    after: callback-requested
                    repeat: 4h
                    max_overdue: 30d
                    window: "09:00-18:00 workdays"
                    to: owner
                    channel: out
                    template: t
                """,
            contacts: "- { id: c, owner: li.na }", calendars: [("cn", Self.cn2025)])
        // Tuesday 09-30 16:00; 20:00 is closed and 10-01…10-08 are off: 10-09 09:00, 13:00, 17:00,
        // 10-10 09:00, 13:00, 17:00, then Saturday 10-11 (worked) 09:00, 13:00, 17:00.
        let events = [F.event("e", "c", "callback-requested", "2025-09-30T16:00:00+08:00")]
        let due = try fixture.due(from: "2025-09-30T00:00:00+08:00", days: 12, events: events)
        #expect(
            due == [
                "r/c/e 2025-09-30T16:00:00+08:00", "r/c/e/1 2025-10-09T09:00:00+08:00",
                "r/c/e/2 2025-10-09T13:00:00+08:00", "r/c/e/3 2025-10-09T17:00:00+08:00",
                "r/c/e/4 2025-10-10T09:00:00+08:00", "r/c/e/5 2025-10-10T13:00:00+08:00",
                "r/c/e/6 2025-10-10T17:00:00+08:00", "r/c/e/7 2025-10-11T09:00:00+08:00",
                "r/c/e/8 2025-10-11T13:00:00+08:00", "r/c/e/9 2025-10-11T17:00:00+08:00",
            ])
    }

    @Test func aHolidaysWindowOpensOnHolidaysOnly() throws {
        let fixture = try F(
            rules:
                "  - { name: r, date: '09-20', window: '10:00-12:00 holidays', to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }", calendars: [("cn", Self.cn2025)])
        #expect(
            try fixture.due(from: "2025-09-01T00:00:00+08:00", days: 60) == ["r/c/2025-09-20 2025-10-01T10:00:00+08:00"]
        )
    }

    @Test func aFestivalFallsOnTheContactsDayAtTheRecipientsTime() throws {
        // Christmas for a contact in Los Angeles: at 09:00 there (PST, -08:00) to the contact; to the
        // owner in New York at 09:00 New York time on the contact's 12-25. 清明 2026 (04-05 in China
        // Standard Time) reaches the contact at 09:00 PDT (-07:00), clocks having moved in March.
        let fixture = try F(
            rules: """
                  - { name: xmas, date: '12-25', to: contact, channel: out, template: t }
                  - { name: xmas-owner, date: '12-25', to: owner, channel: out, template: t }
                  - { name: qm, date: 'term qingming', to: contact, channel: out, template: t }
                """,
            contacts: "- { id: c, owner: ny, timezone: America/Los_Angeles }")
        let due = try fixture.due(from: "2025-12-01T00:00:00Z", days: 140)
        #expect(
            due == [
                "xmas-owner/c/2025-12-25 2025-12-25T09:00:00-05:00", "xmas/c/2025-12-25 2025-12-25T09:00:00-08:00",
                "qm/c/2026-04-05 2026-04-05T09:00:00-07:00",
            ])
    }
}
