import Testing

@testable import TicklerCore

@Suite struct DateRuleScheduleTests {
    @Test func birthdayFallsAtNineInTheContactsZone() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: bday, date: birthday, to: contact, channel: out, template: t }",
            contacts: "- { id: zhang, birthday: 1980-03-14 }")
        #expect(try fixture.due(from: "2026-11-24T00:00:00Z") == ["bday/zhang/2027-03-14 2027-03-14T09:00:00+08:00"])
    }

    @Test func leadTimesCountCalendarDaysBackAcrossAYearEnd() throws {
        let fixture = try ScheduleFixture(
            rules:
                "  - { name: r, date: birthday, before: [7d, 0d], at: '08:30', to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: --01-03 }")
        #expect(
            try fixture.due(from: "2026-12-01T00:00:00Z", days: 40) == [
                "r/c/2026-12-27 2026-12-27T08:30:00+08:00", "r/c/2027-01-03 2027-01-03T08:30:00+08:00",
            ])
    }

    @Test(arguments: [
        ("feb28", "2027", ["r/c/2027-02-28 2027-02-28T09:00:00+08:00"]),
        ("mar1", "2027", ["r/c/2027-03-01 2027-03-01T09:00:00+08:00"]),
        ("skip", "2027", []),
        ("feb28", "2028", ["r/c/2028-02-29 2028-02-29T09:00:00+08:00"]),
        ("mar1", "2028", ["r/c/2028-02-29 2028-02-29T09:00:00+08:00"]),
        ("skip", "2028", ["r/c/2028-02-29 2028-02-29T09:00:00+08:00"]),
    ])
    func leapDayBirthdayFollowsThePolicy(policy: String, year: String, expected: [String]) throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, feb29: \(policy), to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: 1988-02-29 }")
        #expect(try fixture.due(from: "\(year)-02-01T00:00:00+08:00", days: 40) == expected)
    }

    @Test func theDayIsTheContactsAndTheTimeIsTheRecipients() throws {
        // Sydney's 14 March, at 09:00 in New York (where it is still 13 March when Sydney's day begins).
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, to: owner, channel: out, template: t }",
            contacts: "- { id: c, birthday: --03-14, timezone: Australia/Sydney, owner: ny }")
        #expect(try fixture.due(from: "2027-03-01T00:00:00Z", days: 30) == ["r/c/2027-03-14 2027-03-14T09:00:00-04:00"])
    }

    @Test(arguments: [
        ("America/New_York", "02:30", "2027-03-14T03:30:00-04:00"),  // spring-forward gap
        ("Australia/Lord_Howe", "02:15", "2027-10-03T02:45:00+11:00"),  // 30-minute gap
        ("America/Santiago", "00:30", "2027-09-05T01:30:00-03:00"),  // gap at midnight
        ("Asia/Kathmandu", "09:00", "2027-03-14T09:00:00+05:45"),
        ("Pacific/Chatham", "09:00", "2027-03-14T09:00:00+13:45"),
    ])
    func dstGapsReadWithTheOffsetBeforeTheGap(zone: String, at: String, expected: String) throws {
        let day = zone == "Australia/Lord_Howe" ? "10-03" : zone == "America/Santiago" ? "09-05" : "03-14"
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, at: '\(at)', to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: --\(day), timezone: \(zone) }")
        #expect(try fixture.due(from: "2027-01-01T00:00:00Z", days: 300) == ["r/c/2027-\(day) \(expected)"])
    }

    @Test func fallBackOverlapFiresAtTheFirstInstant() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, at: '01:30', to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: --11-07, timezone: America/New_York }")
        #expect(try fixture.due(from: "2027-11-01T00:00:00Z", days: 10) == ["r/c/2027-11-07 2027-11-07T01:30:00-04:00"])
    }

    @Test func knownYearGivesYearsAndNoOccurrenceBeforeTheDate() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: 2026-12-01 }")
        #expect(
            try fixture.due(from: "2026-11-01T00:00:00Z", days: 400) == ["r/c/2027-12-01 2027-12-01T09:00:00+08:00"])
        let start = Timestamp.parse("2027-11-01T00:00:00Z")!
        let found = fixture.schedule.occurrences(in: start..<(start + 40 * 86_400), history: .init(), now: start)
        #expect(
            found.map(\.detail) == [.date(anniversary: CivilDate(year: 2027, month: 12, day: 1), leadDays: 0, years: 1)]
        )
    }

    @Test func customDatesUnderDates() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: anniversary, before: [1w], to: contact, channel: out, template: t }",
            contacts: "- { id: c, dates: { anniversary: 2015-06-10 } }\n- { id: d }")
        #expect(try fixture.due(from: "2027-05-01T00:00:00Z", days: 60) == ["r/c/2027-06-03 2027-06-03T09:00:00+08:00"])
    }

    @Test func lunarBirthdayFallsOnTheGregorianDayOfThatChineseYear() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: lunar_birthday, to: contact, channel: out, template: t }",
            contacts: "- { id: mid-autumn, lunar_birthday: '08-15' }\n- { id: leap, lunar_birthday: L06-10 }")
        // 2025 has a leap 6th month; 2026 does not, so the leap-month birthday falls in the ordinary 6th month.
        #expect(
            try fixture.due(from: "2025-01-01T00:00:00+08:00", days: 730) == [
                "r/leap/2025-08-03 2025-08-03T09:00:00+08:00",
                "r/mid-autumn/2025-10-06 2025-10-06T09:00:00+08:00",
                "r/leap/2026-07-23 2026-07-23T09:00:00+08:00",
                "r/mid-autumn/2026-09-25 2026-09-25T09:00:00+08:00",
            ])
    }

    @Test func lunarDateInJanuaryBelongsToTheChineseYearBegunTheYearBefore() throws {
        // 腊月二十 of the Chinese year that began on 2026-02-17 is 2027-01-27 (checked with PyPI lunardate).
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: lunar_birthday, to: contact, channel: out, template: t }",
            contacts: "- { id: c, lunar_birthday: '12-20' }")
        #expect(
            try fixture.due(from: "2027-01-20T00:00:00+08:00", days: 10) == ["r/c/2027-01-27 2027-01-27T09:00:00+08:00"]
        )
        #expect(
            try fixture.due(from: "2026-01-20T00:00:00+08:00", days: 30) == ["r/c/2026-02-07 2026-02-07T09:00:00+08:00"]
        )
    }

    @Test func whereFiltersAndUnreachableRecipientsAreSkipped() throws {
        let fixture = try ScheduleFixture(
            rules: "  - { name: r, date: birthday, where: { tier: key }, to: manager, channel: out, template: t }",
            contacts: """
                - { id: a, birthday: --05-01, tier: key, owner: li.na }
                - { id: b, birthday: --05-01, tier: ordinary, owner: li.na }
                - { id: c, birthday: --05-01, tier: key }
                - { id: d, birthday: --05-01, tier: key, owner: boss }
                """)
        // a's owner li.na has manager boss (London); c has no owner; d's owner has no manager.
        #expect(try fixture.due(from: "2027-04-01T00:00:00Z", days: 60) == ["r/a/2027-05-01 2027-05-01T09:00:00+01:00"])
    }

    @Test func windowDefersToTheNextOpening() throws {
        let fixture = try ScheduleFixture(
            rules:
                "  - { name: r, date: birthday, at: '20:00', window: '09:00-18:00 mon-fri', to: contact, channel: out, template: t }",
            contacts: "- { id: c, birthday: --11-26 }")  // 2027-11-26 is a Friday
        #expect(try fixture.due(from: "2027-11-01T00:00:00Z", days: 60) == ["r/c/2027-11-26 2027-11-29T09:00:00+08:00"])
    }
}
