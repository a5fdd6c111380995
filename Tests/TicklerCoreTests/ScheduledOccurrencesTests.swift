import Foundation
import Testing
import TicklerTestSupport

@testable import TicklerCore
@testable import TicklerReports

/// `ScheduledOccurrences` — the compact entries `Schedule` computes — against the `Occurrence`s
/// they stand for: the same keys, the same fields, the same JSON bytes.
@Suite struct ScheduledOccurrencesTests {
    typealias F = ScheduleFixture

    /// Every kind of rule and recipient, contacts in several zones, events with awkward ids.
    private func fixture() throws -> ScheduleFixture {
        try F(
            rules: """
                  - { name: greeting, date: birthday, to: contact, channel: out, template: t }
                  - { name: heads-up, date: birthday, before: [3d, 0d], to: owner, channel: out, template: t }
                  - { name: lunar, date: lunar_birthday, to: manager, channel: out, template: t }
                  - { name: anniversary, date: anniversary, to: contact, channel: out, template: t }
                  - { name: thanks, after: purchase, delay: 1d, at: '10:00', to: contact, channel: out, template: t }
                  - { name: nag, after: callback-requested, delay: 2h, repeat: 2h, unless: callback-done, to: owner, channel: out, template: t }
                  - { name: check-in, every: 14d, spread: 3d, to: owner, channel: out, template: t }
                """,
            contacts: """
                - { id: acme-zhang, name: 张伟, birthday: 1980-03-14, lunar_birthday: 02-03, owner: ny }
                - { id: kim, birthday: --03-14, timezone: Asia/Kathmandu, owner: li.na, dates: { anniversary: 2015-03-20 } }
                - { id: leap, birthday: 1984-02-29, timezone: America/New_York, owner: li.na }
                - { id: a-very-long-contact-identifier-of-forty-bytes, birthday: 1990-03-16, owner: ny }
                """)
    }

    private let events = [
        F.event("e\"1", "kim", "purchase", "2027-03-02T23:30:00+05:45"),
        F.event("e\\2\u{2028}", "acme-zhang", "purchase", "2027-03-05T10:00:00+08:00"),
        F.event("7", "leap", "callback-requested", "2027-03-03T09:00:00-05:00"),
        F.event("8", "leap", "callback-done", "2027-03-03T15:00:00-05:00"),
        F.event("9", "kim", "call", "2027-02-20T09:00:00+08:00"),
    ]

    private func scheduled(_ fixture: ScheduleFixture, days: Int64 = 40) throws -> ScheduledOccurrences {
        let now = try #require(Timestamp.parse("2027-02-27T00:00:00Z"))
        let history = Schedule.History(events: EventIndex(events), firstSeen: ["kim": now - 86_400 * 20])
        return fixture.schedule.scheduled(in: now..<(now + days * 86_400), history: history, now: now)
    }

    @Test func entriesTurnIntoTheOccurrencesTheyStandFor() throws {
        let scheduled = try scheduled(fixture())
        let occurrences = scheduled.occurrences
        #expect(occurrences.count == scheduled.count)
        #expect(
            Set(occurrences.map(\.rule)) == [
                "greeting", "heads-up", "lunar", "anniversary", "thanks", "nag", "check-in",
            ])
        #expect(occurrences == occurrences.sorted(by: Occurrence.precedes))
        for (index, occurrence) in occurrences.enumerated() {
            #expect(scheduled[index] == occurrence)
            #expect(scheduled.key(at: index) == occurrence.key)
        }
        #expect(scheduled.keys == occurrences.map(\.key))
        let birthday = try #require(occurrences.first { $0.key == "greeting/acme-zhang/2027-03-14" })
        #expect(birthday.detail == .date(anniversary: CivilDate(year: 2027, month: 3, day: 14), leadDays: 0, years: 47))
        #expect(occurrences.contains { $0.key == "thanks/acme-zhang/e\\2\u{2028}" })
        #expect(occurrences.contains { $0.key == "nag/leap/7/1" && $0.recipient == "li.na" })
    }

    @Test func jsonFromTheEntriesIsTheJSONOfTheOccurrences() throws {
        let scheduled = try scheduled(fixture())
        let json = OccurrenceJSON.utf8(scheduled)
        #expect(json == OccurrenceJSON.utf8(scheduled.occurrences))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [[String: String]])
        #expect(parsed.map { $0["key"] } == scheduled.keys)
        var empty = scheduled
        empty.removeAll(keys: Set(scheduled.keys))
        #expect(empty.isEmpty)
        #expect(OccurrenceJSON.utf8(empty) == Array("[]\n".utf8))
    }

    /// Ids and rule names that the readers would refuse, made in code: the JSON written from the
    /// entries escapes them as the JSON of the occurrences does (the writer copies ids and names
    /// as they are only when nothing in them needs an escape).
    @Test func idsAndNamesThatNeedEscapesAreEscaped() throws {
        let fixture = try fixture()
        var config = fixture.workspace.config
        config.rules[0].name = "greet\\ing\u{2028}"
        var contacts = fixture.workspace.contacts
        contacts[0].id = "acme\"zhang"
        let schedule = Schedule(config: config, contacts: contacts, zones: systemZones)
        let now = try #require(Timestamp.parse("2027-02-27T00:00:00Z"))
        let scheduled = schedule.scheduled(
            in: now..<(now + 40 * 86_400), history: Schedule.History(events: EventIndex(events)), now: now)
        let json = OccurrenceJSON.utf8(scheduled)
        #expect(json == OccurrenceJSON.utf8(scheduled.occurrences))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [[String: String]])
        #expect(
            parsed.contains {
                $0["key"] == "greet\\ing\u{2028}/acme\"zhang/2027-03-14" && $0["contact"] == "acme\"zhang"
            })
    }

    /// The writer copies a line's `due` from the line before when both are due at the same instant:
    /// only when the offset is the same too.
    @Test func linesDueAtOneInstantKeepTheirOwnOffsets() throws {
        let fixture = try F(
            rules: """
                  - { name: a, date: birthday, at: '09:00', to: contact, channel: out, template: t }
                  - { name: b, date: birthday, at: '10:00', to: contact, channel: out, template: t }
                """,
            contacts: """
                - { id: sh, birthday: --03-14, timezone: Asia/Shanghai }
                - { id: tk, birthday: --03-14, timezone: Asia/Tokyo }
                """)
        let now = try #require(Timestamp.parse("2027-03-01T00:00:00Z"))
        let scheduled = fixture.schedule.scheduled(in: now..<(now + 30 * 86_400), history: .init(), now: now)
        let json = String(decoding: OccurrenceJSON.utf8(scheduled), as: UTF8.self)
        #expect(scheduled.keys == ["a/tk/2027-03-14", "a/sh/2027-03-14", "b/tk/2027-03-14", "b/sh/2027-03-14"])
        #expect(json == OccurrenceJSON.render(scheduled.occurrences))
        #expect(
            json.contains(
                "\"key\": \"a/sh/2027-03-14\", \"rule\": \"a\", \"contact\": \"sh\", \"to\": \"contact\", \"recipient\": \"sh\", \"channel\": \"out\", \"due\": \"2027-03-14T09:00:00+08:00\""
            ))
        #expect(
            json.contains(
                "\"key\": \"b/tk/2027-03-14\", \"rule\": \"b\", \"contact\": \"tk\", \"to\": \"contact\", \"recipient\": \"tk\", \"channel\": \"out\", \"due\": \"2027-03-14T10:00:00+09:00\""
            ))
    }

    /// `upcoming` writes the JSON in pieces formatted on every core: whatever their size, the pieces
    /// put together are the text in one piece, and each holds whole objects.
    @Test(arguments: [1, 2, 3, 7, 1000])
    func jsonInPiecesIsTheSameText(entriesPerPiece: Int) throws {
        let scheduled = try scheduled(fixture())
        var pieces: [[UInt8]] = []
        OccurrenceJSON.write(scheduled, entriesPerPiece: entriesPerPiece) { pieces.append($0) }
        #expect(pieces.count == (scheduled.count + entriesPerPiece - 1) / entriesPerPiece)
        #expect(Array(pieces.joined()) == OccurrenceJSON.utf8(scheduled.occurrences))
        for piece in pieces.dropLast() { #expect(piece.last == UInt8(ascii: "}")) }
    }

    /// Keys due at the same instant are ordered by rule, then contact, without being written out:
    /// ids and names that begin other ones, with bytes below and above '/' after them.
    @Test func keysDueTogetherAreInKeyOrder() throws {
        let ids = [
            "c1", "c10", "c1-x", "c1.y", "c1+z", "c1_a", "C1", "c", "c1~", "c1:b", "c1@d", "c1=e", "customer-1",
            "customer-10", "customer-1-x", "customer-1.y", "custome",
        ]
        let fixture = try F(
            rules: """
                  - { name: check, date: birthday, to: contact, channel: out, template: t }
                  - { name: check-in, date: birthday, to: contact, channel: out, template: t }
                  - { name: check.in, date: birthday, before: [0d, 1d], to: contact, channel: out, template: t }
                  - { name: checkin, date: birthday, to: contact, channel: out, template: t }
                """,
            contacts: ids.reversed().map { "- { id: '\($0)', birthday: 1980-03-14 }" }.joined(separator: "\n"))
        let scheduled = try scheduled(fixture)
        let occurrences = scheduled.occurrences
        #expect(occurrences.count == ids.count * 5)
        #expect(occurrences.map(\.key) == occurrences.sorted(by: Occurrence.precedes).map(\.key))
        #expect(Set(occurrences.map(\.due)).count == 2)
    }

    @Test func removeAllLeavesOutTheKeysGiven() throws {
        var scheduled = try scheduled(fixture())
        let all = scheduled.occurrences
        let delivered: Set = [all[0].key, all[all.count - 1].key, "no/such/key"]
        scheduled.removeAll(keys: delivered)
        #expect(scheduled.occurrences == all.filter { !delivered.contains($0.key) })
        scheduled.removeAll(keys: [])
        #expect(scheduled.count == all.count - 2)
    }

    @Test(arguments: [
        CivilDate(year: 2027, month: 3, day: 14), CivilDate(year: 1000, month: 1, day: 1),
        CivilDate(year: 9999, month: 12, day: 31), CivilDate(year: 999, month: 12, day: 31),
        CivilDate(year: 12_027, month: 3, day: 4),
    ])
    func keysAreWrittenAsTheSPECSays(day: CivilDate) throws {
        let fixture = try F(
            rules: "  - { name: birthday-greeting, date: birthday, to: contact, channel: out, template: t }",
            contacts: "- { id: acme-zhang, birthday: --03-14 }\n- { id: kim, birthday: --03-14 }")
        let entries = [1, 0].map { contact in
            ScheduledOccurrences.Entry(
                due: 0, number: 0, contact: Int32(contact), day: Int32(day.daysSinceEpoch), offset: 0, rule: 0)
        }
        let scheduled = ScheduledOccurrences(
            schedule: fixture.schedule, rules: fixture.workspace.config.rules, events: .empty,
            parts: [.init(entries, contacts: fixture.schedule.contacts)])
        #expect(scheduled.keys == ["birthday-greeting/kim/\(day)", "birthday-greeting/acme-zhang/\(day)"])
        #expect(scheduled[0].day == day)
    }
}
