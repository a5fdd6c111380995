import Testing

@testable import TicklerCore

@Suite struct AfterRuleScheduleTests {
    typealias F = ScheduleFixture

    @Test func withoutAtFallsDueExactlyDelayAfterTheEvent() throws {
        let fixture = try F(
            rules: "  - { name: r, after: callback-requested, delay: 2h, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [F.event("7", "c", "callback-requested", "2026-11-24T10:17:00+08:00")]
        #expect(
            try fixture.due(from: "2026-11-24T00:00:00Z", days: 2, events: events) == [
                "r/c/7 2026-11-24T12:17:00+08:00"
            ])
    }

    @Test func withAtFallsOnTheContactsDayOfEventPlusDelay() throws {
        let fixture = try F(
            rules:
                "  - { name: thanks, after: purchase, delay: 1d, at: '10:00', to: contact, channel: out, template: t }",
            contacts: "- { id: c, timezone: America/New_York }")
        // 23:30 New York + 1 day is the 25th in New York, whatever the date in UTC.
        let events = [F.event("e1", "c", "purchase", "2026-11-24T23:30:00-05:00")]
        #expect(
            try fixture.due(from: "2026-11-24T00:00:00Z", days: 3, events: events) == [
                "thanks/c/e1 2026-11-25T10:00:00-05:00"
            ])
    }

    @Test func repeatNagsUntilMaxOverdue() throws {
        let fixture = try F(
            rules:
                "  - { name: r, after: callback-requested, delay: 2h, repeat: 2h, max_overdue: 6h, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [F.event("5", "c", "callback-requested", "2026-11-24T09:00:00+08:00")]
        #expect(
            try fixture.due(from: "2026-11-24T00:00:00Z", days: 3, events: events) == [
                "r/c/5 2026-11-24T11:00:00+08:00", "r/c/5/1 2026-11-24T13:00:00+08:00",
                "r/c/5/2 2026-11-24T15:00:00+08:00", "r/c/5/3 2026-11-24T17:00:00+08:00",
            ])
    }

    @Test func unlessCancelsWhatFallsDueAfterIt() throws {
        let fixture = try F(
            rules:
                "  - { name: r, after: callback-requested, delay: 2h, unless: callback-done, repeat: 2h, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }\n- { id: d, owner: li.na }")
        let events = [
            F.event("1", "c", "callback-requested", "2026-11-24T09:00:00+08:00"),
            F.event("2", "c", "callback-done", "2026-11-24T14:00:00+08:00"),
            // An earlier callback-done does not cancel a later request.
            F.event("3", "d", "callback-done", "2026-11-24T08:00:00+08:00"),
            F.event("4", "d", "callback-requested", "2026-11-24T09:00:00+08:00"),
        ]
        let due = try fixture.due(from: "2026-11-24T00:00:00Z", days: 1, events: events)
        #expect(
            due.filter { $0.hasPrefix("r/c/") } == [
                "r/c/1 2026-11-24T11:00:00+08:00", "r/c/1/1 2026-11-24T13:00:00+08:00",
            ])
        // d's series runs every two hours from 11:00 to the end of the range (08:00 the next morning).
        #expect(due.filter { $0.hasPrefix("r/d/") }.count == 11)
    }

    @Test func eachTriggerEventStartsItsOwnSeries() throws {
        let fixture = try F(
            rules: "  - { name: r, after: complaint, delay: 1d, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [
            F.event("a", "c", "complaint", "2026-11-20T10:00:00+08:00"),
            F.event("b", "c", "complaint", "2026-11-21T10:00:00+08:00"),
            F.event("x", "c", "call", "2026-11-21T11:00:00+08:00"),
        ]
        #expect(
            try fixture.due(from: "2026-11-20T00:00:00Z", days: 5, events: events) == [
                "r/c/a 2026-11-21T10:00:00+08:00", "r/c/b 2026-11-22T10:00:00+08:00",
            ])
    }

    @Test func windowDefersEachRepeatToMonday() throws {
        let fixture = try F(
            rules: """
                  - name: r
                    after: callback-requested
                    delay: 2h
                    repeat: 2h
                    max_overdue: 3d
                    window: "09:00-18:00 mon-fri"
                    to: owner
                    channel: out
                    template: t
                """,
            contacts: "- { id: c, owner: li.na }")
        // Friday 2027-11-26 15:00 request: 17:00 Friday, then 19:00 is outside → Monday 09:00, then every
        // two hours until base + max_overdue (Monday 17:00) is reached.
        let events = [F.event("9", "c", "callback-requested", "2027-11-26T15:00:00+08:00")]
        #expect(
            try fixture.due(from: "2027-11-26T00:00:00Z", days: 4, events: events) == [
                "r/c/9 2027-11-26T17:00:00+08:00", "r/c/9/1 2027-11-29T09:00:00+08:00",
                "r/c/9/2 2027-11-29T11:00:00+08:00", "r/c/9/3 2027-11-29T13:00:00+08:00",
                "r/c/9/4 2027-11-29T15:00:00+08:00", "r/c/9/5 2027-11-29T17:00:00+08:00",
            ])
    }

    @Test func escalationGoesToTheManagerInTheirZone() throws {
        let fixture = try F(
            rules: "  - { name: r, after: callback-requested, delay: 4h, to: manager, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [F.event("1", "c", "callback-requested", "2026-11-24T09:00:00+08:00")]
        let start = Timestamp.parse("2026-11-24T00:00:00Z")!
        let found = fixture.schedule.occurrences(
            in: start..<(start + 86_400), history: .init(events: EventIndex(events)), now: start)
        #expect(found.map(\.recipient) == ["boss"])
        #expect(found.map { Timestamp.format($0.due, offset: $0.offset) } == ["2026-11-24T05:00:00Z"])
    }
}
