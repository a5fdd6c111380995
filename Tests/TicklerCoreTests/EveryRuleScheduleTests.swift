import Testing

@testable import TicklerCore

@Suite struct EveryRuleScheduleTests {
    typealias F = ScheduleFixture

    @Test func clockStartsAtTheLatestInteraction() throws {
        let fixture = try F(
            rules: "  - { name: r, every: 14d, since: [call, visit], to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [
            F.event("1", "c", "call", "2026-11-01T15:00:00+08:00"),
            F.event("2", "c", "visit", "2026-11-10T15:00:00+08:00"),
            F.event("3", "c", "purchase", "2026-11-20T15:00:00+08:00"),  // not an interaction for this rule
        ]
        #expect(
            try fixture.due(from: "2026-11-20T00:00:00Z", days: 30, events: events) == [
                "r/c/2026-11-24 2026-11-24T09:00:00+08:00", "r/c/2026-12-08 2026-12-08T09:00:00+08:00",
            ])
    }

    @Test func withoutSinceAnyEventCounts() throws {
        let fixture = try F(
            rules: "  - { name: r, every: 1w, to: owner, channel: out, template: t }",
            contacts: "- { id: c, owner: li.na }")
        let events = [F.event("1", "c", "purchase", "2026-11-20T15:00:00+08:00")]
        #expect(
            try fixture.due(from: "2026-11-20T00:00:00Z", days: 8, events: events) == [
                "r/c/2026-11-27 2026-11-27T09:00:00+08:00"
            ])
    }

    @Test func newContactsStartWhenFirstSeenSpreadByAStableHash() throws {
        let fixture = try F(
            rules: "  - { name: r, every: 10d, spread: 5d, to: owner, channel: out, template: t }",
            contacts: (1...40).map { "- { id: c\($0), owner: li.na }" }.joined(separator: "\n"))
        let seen = Timestamp.parse("2026-11-01T00:00:00+08:00")!
        let firstSeen = FirstSeenTimes(Dictionary(uniqueKeysWithValues: (1...40).map { ("c\($0)", seen) }))
        let due = try fixture.due(from: "2026-11-01T00:00:00+08:00", days: 16, firstSeen: firstSeen)
        // Every contact fires once between day 10 and day 15, and not all on the same day.
        #expect(due.count == 40)
        let days = Set(due.map { $0.split(separator: " ")[1].prefix(10) })
        #expect(days.count >= 4)
        #expect(days.allSatisfy { $0 >= "2026-11-11" && $0 <= "2026-11-16" })
        // The offset is the same on every run.
        #expect(try fixture.due(from: "2026-11-01T00:00:00+08:00", days: 16, firstSeen: firstSeen) == due)
        #expect(StableHash.of("c1") == 0x08a2_7f07_b54a_6859)  // FNV-1a 64, computed independently
    }
}
