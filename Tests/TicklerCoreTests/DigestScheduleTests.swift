import Testing
import TicklerStore
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerReports

@Suite struct DigestScheduleTests {
    typealias F = ScheduleFixture

    static let owners = """
        owners:
          li.na: { name: 李娜, manager: boss, digest: { at: "08:30", channel: out, template: d } }
          ny: { name: Nora, timezone: America/New_York, digest: { at: "08:30", channel: out, template: d } }
          plain: { name: Pat }
          boss: { name: 王强, timezone: Europe/London, digest: { at: "07:00", channel: out, template: d } }
        """

    /// Each occurrence in [from, from + hours) as `key due`, with `> DIGEST` for one a digest
    /// carries and `[items]` for a digest.
    func listing(_ fixture: F, from: String, hours: Int, events: [Event] = []) throws -> [String] {
        let start = try #require(Timestamp.parse(from))
        let history = Schedule.History(events: EventIndex(events))
        return fixture.schedule.occurrences(in: start..<(start + Int64(hours) * 3_600), history: history, now: start)
            .map { occurrence in
                var line = "\(occurrence.key) \(Timestamp.format(occurrence.due, offset: occurrence.offset))"
                if let digest = occurrence.digest { line += " > \(digest)" }
                if case .digest(let items) = occurrence.detail {
                    line += " [\(items.map(\.key).joined(separator: " "))]"
                }
                return line
            }
    }

    @Test func itemsBeforeAndAfterAtGoInTheDigestOfTheirDay() throws {
        let fixture = try F(
            rules: """
                  - { name: early, date: birthday, at: "07:00", to: owner, channel: out, template: t, digest: true }
                  - { name: late, date: birthday, at: "15:00", to: owner, channel: out, template: t, digest: true }
                  - { name: alone, date: birthday, at: "10:00", to: owner, channel: out, template: t }
                """,
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }", owners: Self.owners)
        #expect(
            try listing(fixture, from: "2026-11-25T00:00:00+08:00", hours: 24) == [
                "early/c/2026-11-25 2026-11-25T07:00:00+08:00 > digest/li.na/2026-11-25",
                "digest/li.na/2026-11-25 2026-11-25T08:30:00+08:00 [early/c/2026-11-25 late/c/2026-11-25]",
                "alone/c/2026-11-25 2026-11-25T10:00:00+08:00",
                "late/c/2026-11-25 2026-11-25T15:00:00+08:00 > digest/li.na/2026-11-25",
            ])
    }

    @Test func aDigestInTheRangeCarriesItemsDueOutsideIt() throws {
        let fixture = try F(
            rules: """
                  - { name: early, date: birthday, at: "07:00", to: owner, channel: out, template: t, digest: true }
                  - { name: late, date: birthday, at: "15:00", to: owner, channel: out, template: t, digest: true }
                """,
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }", owners: Self.owners)
        #expect(
            try listing(fixture, from: "2026-11-25T08:00:00+08:00", hours: 1) == [
                "digest/li.na/2026-11-25 2026-11-25T08:30:00+08:00 [early/c/2026-11-25 late/c/2026-11-25]"
            ])
        // After the digest's time, an item still due is listed with its digest, which is not.
        #expect(
            try listing(fixture, from: "2026-11-25T10:00:00+08:00", hours: 12) == [
                "late/c/2026-11-25 2026-11-25T15:00:00+08:00 > digest/li.na/2026-11-25"
            ])
    }

    @Test func whatBecomesDueAfterItsDigestWentOutIsListedOnItsOwn() throws {
        // A purchase recorded at 09:00, after the 08:30 digest went out: its 15:00 thank-you goes on
        // its own, as the daemon sends it. Before the digest is in the outbox, it is still the digest's.
        let fixture = try F(
            rules: """
                  - { name: thanks, after: purchase, delay: 6h, to: owner, channel: out, template: t, digest: true }
                """,
            contacts: "- { id: c, owner: li.na }", owners: Self.owners)
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore.open(path: directory.path("tickler.sqlite"))
        let now = try #require(Timestamp.parse("2026-11-25T10:00:00+08:00"))
        let bought = try #require(Timestamp.parse("2026-11-25T09:00:00+08:00"))
        _ = try store.recordEvents(
            [EventBatch(source: "test", events: [IncomingEvent(contact: "c", type: "purchase", at: bought)])],
            recordedAt: now)
        func listed() throws -> [String] {
            let scheduled = try ReportQueries.upcoming(
                fixture.schedule, store: store, in: now..<(now + 86_400), now: now, only: nil)
            return scheduled.entries.map { "\(scheduled.key($0)) \(scheduled.digestKey(of: $0) ?? "on its own")" }
        }
        let before = try listed()
        #expect(before.count == 1 && before[0].hasSuffix(" digest/li.na/2026-11-25"))
        let digest = try #require(Timestamp.parse("2026-11-25T08:30:00+08:00"))
        _ = try store.enqueue(
            [
                OutboxItem(
                    key: "digest/li.na/2026-11-25", rule: "digest", contact: "", channel: "out", due: digest,
                    to: .owner, recipient: "li.na", message: nil, state: .missed(reason: "for the test"))
            ], at: digest)
        let after = try listed()
        #expect(after.count == 1 && after[0].hasSuffix(" on its own") && after[0].hasPrefix("thanks/c/"))
    }

    @Test func theDayIsTheOwnersDayOfTheDueInstantOnADSTDay() throws {
        // New York springs forward on 2027-03-14. The contact is in Shanghai: an event there on the
        // 15th at 10:00 falls due at 22:00 on the 14th in New York, in the 14th's digest.
        let fixture = try F(
            rules: """
                  - { name: heads-up, date: birthday, to: owner, channel: out, template: t, digest: true }
                  - { name: r, after: purchase, to: owner, channel: out, template: t, digest: true }
                """,
            contacts: "- { id: c, owner: ny, birthday: 1980-03-14, timezone: Asia/Shanghai }", owners: Self.owners)
        let events = [F.event("7", "c", "purchase", "2027-03-15T10:00:00+08:00")]
        #expect(
            try listing(fixture, from: "2027-03-14T00:00:00-05:00", hours: 24, events: events) == [
                "digest/ny/2027-03-14 2027-03-14T08:30:00-04:00 [heads-up/c/2027-03-14 r/c/7]",
                "heads-up/c/2027-03-14 2027-03-14T09:00:00-04:00 > digest/ny/2027-03-14",
                "r/c/7 2027-03-14T22:00:00-04:00 > digest/ny/2027-03-14",
            ])
    }

    @Test func nothingDueMakesNoDigest() throws {
        let fixture = try F(
            rules: "  - { name: b, date: birthday, to: owner, channel: out, template: t, digest: true }",
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }", owners: Self.owners)
        #expect(try listing(fixture, from: "2026-11-26T00:00:00+08:00", hours: 48) == [])
    }

    @Test func aManagerRuleGoesInTheManagersDigest() throws {
        let fixture = try F(
            rules: "  - { name: esc, date: birthday, to: manager, channel: out, template: t, digest: true }",
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }", owners: Self.owners)
        // 09:00 London on the contact's day; the digest is at 07:00 London that day.
        #expect(
            try listing(fixture, from: "2026-11-25T00:00:00Z", hours: 24) == [
                "digest/boss/2026-11-25 2026-11-25T07:00:00Z [esc/c/2026-11-25]",
                "esc/c/2026-11-25 2026-11-25T09:00:00Z > digest/boss/2026-11-25",
            ])
    }

    @Test func anOwnerWithoutDigestGetsEachOnItsOwn() throws {
        let fixture = try F(
            rules: "  - { name: b, date: birthday, to: owner, channel: out, template: t, digest: true }",
            contacts:
                "- { id: c, owner: plain, birthday: 1980-11-25 }\n- { id: d, owner: li.na, birthday: 1980-11-25 }",
            owners: Self.owners)
        #expect(
            try listing(fixture, from: "2026-11-25T00:00:00+08:00", hours: 24) == [
                "digest/li.na/2026-11-25 2026-11-25T08:30:00+08:00 [b/d/2026-11-25]",
                "b/c/2026-11-25 2026-11-25T09:00:00+08:00",
                "b/d/2026-11-25 2026-11-25T09:00:00+08:00 > digest/li.na/2026-11-25",
            ])
    }

    @Test func theDaemonsDigestHasWhatTheListingHas() throws {
        let fixture = try F(
            rules: """
                  - { name: early, date: birthday, at: "07:00", to: owner, channel: out, template: t, digest: true }
                  - { name: late, date: birthday, at: "15:00", to: owner, channel: out, template: t, digest: true }
                """,
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }\n- { id: d, owner: ny, birthday: 1980-11-25 }",
            owners: Self.owners)
        let now = try #require(Timestamp.parse("2026-11-25T08:30:00+08:00"))
        let digest = try #require(
            fixture.schedule.digest("digest/li.na/2026-11-25", history: Schedule.History(), now: now))
        #expect(digest.due == now)
        #expect(digest.channel == "out")
        guard case .digest(let items) = digest.detail else { return #expect(Bool(false)) }
        #expect(items.map(\.key) == ["early/c/2026-11-25", "late/c/2026-11-25"])
        #expect(fixture.schedule.digest("digest/li.na/2026-11-26", history: Schedule.History(), now: now) == nil)
        #expect(fixture.schedule.digest("digest/plain/2026-11-25", history: Schedule.History(), now: now) == nil)
    }

    @Test func theListingsJSONFromEntriesIsTheJSONOfItsOccurrences() throws {
        let fixture = try F(
            rules: """
                  - { name: early, date: birthday, at: "07:00", to: owner, channel: out, template: t, digest: true }
                  - { name: esc, date: birthday, to: manager, channel: out, template: t, digest: true }
                  - { name: alone, date: birthday, to: contact, channel: out, template: t }
                """,
            contacts: "- { id: c, owner: li.na, birthday: 1980-11-25 }\n- { id: d, owner: ny, birthday: 1980-11-26 }",
            owners: Self.owners)
        let start = try #require(Timestamp.parse("2026-11-20T00:00:00+08:00"))
        let scheduled = fixture.schedule.scheduled(in: start..<(start + 30 * 86_400), history: .init(), now: start)
        let fast = String(decoding: OccurrenceJSON.utf8(scheduled), as: UTF8.self)
        #expect(fast == OccurrenceJSON.render(scheduled.occurrences))
        #expect(fast.contains(#""key": "digest/li.na/2026-11-25", "rule": "digest", "contact": null"#))
        #expect(fast.contains(#""due": "2026-11-25T07:00:00+08:00", "digest": "digest/li.na/2026-11-25"}"#))
        #expect(fast.contains(#""items": ["early/c/2026-11-25"]"#))
    }
}
